// The why view: the chains by which a package is required, from a root down to it.
import { $, fmt, h } from '../dom';
import { render } from '../router';
import { isCurrent, parseRoute } from '../routes';
import { engine, state } from '../state';
import { pkgLink } from './links';

export async function renderWhy(name: string | undefined, token: number): Promise<void> {
  const out = $('why-result');
  const input = $<HTMLInputElement>('why-name');
  if (name !== undefined) input.value = name;
  if (!state.loaded) {
    out.replaceChildren(h('p', { class: 'empty' }, 'No package set yet.'));
    return;
  }
  if (!name) {
    out.replaceChildren(h('p', { class: 'muted' }, 'Type a package name: the chains by which it is required, from a root (a requirements file, a project, or a package nothing needs) down to it.'));
    return;
  }
  let why;
  try {
    why = await engine.call('why', { name });
  } catch (err) {
    if (!isCurrent(token)) return;
    out.replaceChildren(h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
    return;
  }
  if (!isCurrent(token)) return;
  const step = (s: { label: string; pkg: number | null }, i: number, chain: unknown[]) => [
    i ? h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → ') : '',
    h('span', { class: i === chain.length - 1 ? 'step goal' : 'step' }, s.pkg !== null ? pkgLink(s.pkg, s.label) : h('code', {}, s.label)),
  ];
  const required = why.chains.filter((c) => c.length > 1);
  out.replaceChildren(
    h('h2', { id: 'why-title' }, title(why.name, why.present, required.length, why.limited, why.chains.length)),
    h('ol', { class: 'chains', 'aria-label': `Chains down to ${why.name}` },
      ...why.chains.map((chain) => h('li', { 'aria-label': chain.map((s) => s.label).join(', which requires ') },
        ...chain.flatMap((s, i) => step(s, i, chain))))),
    why.limited ? h('p', { class: 'muted' }, 'Only the first chains are shown.') : '',
  );
}

/** The answer in a line: why a package is in the set, or why a name not in it is wanted. */
function title(name: string, present: boolean, required: number, limited: boolean, chains: number): string {
  const count = `${fmt.format(required)}${limited ? '+' : ''} ${required === 1 ? 'chain' : 'chains'}`;
  if (!present) {
    return chains
      ? `${name} is not in the set; it is wanted by ${count} ending at what requires it`
      : `Nothing in the set is named ${name} or requires it`;
  }
  return required ? `Why ${name} is in the set: ${count}` : `Nothing in the set requires ${name}: it is a root`;
}

export function setupWhy(): void {
  $('why-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const name = $<HTMLInputElement>('why-name').value.trim();
    location.hash = `#/why/${encodeURIComponent(name)}`;
    if (parseRoute().view === 'why') render();
  });
}
