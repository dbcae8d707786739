// A package's page: its fields, its problems, what it requires and who requires it.
import type { Resolved } from 'pkglens';
import { $, h } from '../dom';
import type { LinkedProblem, PackageDetails } from '../protocol';
import { isCurrent } from '../routes';
import { app, engine } from '../state';
import { pkgLink, problemItem } from './links';

function resolutionBadge(r: Resolved): HTMLElement {
  return h('span', { class: `badge r-${r.resolution}` }, r.resolution);
}

function nextProblemAfter(id: number): LinkedProblem | undefined {
  const linked = app.problems.filter((p) => p.pkg !== null);
  if (linked.length === 0) return undefined;
  const at = linked.findIndex((p) => p.pkg === id);
  if (at < 0) return linked[0];
  for (let i = 1; i <= linked.length; i++) {
    const p = linked[(at + i) % linked.length];
    if (p.pkg !== id) return p;
  }
  return undefined;
}

export async function renderPackage(id: number, token: number): Promise<void> {
  const view = $('view-package');
  let d: PackageDetails;
  try {
    d = await engine.call('details', { id });
  } catch (err) {
    view.replaceChildren(h('p', { class: 'error' }, err instanceof Error ? err.message : String(err)));
    return;
  }
  if (!isCurrent(token)) return;
  const p = d.package;
  const line = p.line ? `:${p.line}` : '';
  const next = nextProblemAfter(id);
  const nav = h('div', { class: 'package-nav' },
    h('a', { href: '#/packages' }, '← All packages'),
    h('a', { href: `#/graph/${id}?depth=2`, id: 'open-graph' }, 'Graph of its neighbourhood'),
    h('a', { href: `#/why/${encodeURIComponent(p.name)}`, id: 'open-why' }, 'Why is it in the set?'),
    next && next.pkg !== null
      ? h('a', { href: `#/package/${next.pkg}`, id: 'next-problem', title: next.message }, 'Next problem →')
      : h('span', { class: 'muted' }, 'No other problem'));

  const fields = h('dl', { class: 'fields' });
  const field = (name: string, value: string | undefined | null | false) => {
    if (value) fields.append(h('dt', {}, name), h('dd', {}, value));
  };
  field('Ecosystem', p.ecosystem);
  field('File', `${d.record.path}${line}`);
  field('Format', d.record.format ?? 'unknown');
  field('Status', d.record.status + (d.record.reason ? `: ${d.record.reason}` : ''));
  field('Summary', p.summary);
  field('Description', p.description);
  field('Requires Python', p.requires_python);
  field('Extras', p.provides_extra?.join(', '));
  field('License', p.license_expression);
  field('Metadata version', p.metadata_version);
  field('Dynamic', p.dynamic?.join(', '));
  field('Tools', p.tools?.join(', '));
  if (p.variants?.length) field('Variants', p.variants.map((v) => `[${v.map((r) => r.raw).join(', ')}]`).join(' '));

  const reqRows = d.requirements.map((r) => h('tr', { class: `r-${r.resolution}` },
    h('td', {}, h('code', {}, r.requirement.raw)),
    h('td', {}, r.list === 'requires' ? r.requirement.kind : `${r.list} (${r.requirement.kind})`),
    h('td', {}, resolutionBadge(r)),
    h('td', {}, ...r.packages.flatMap((pid, i) => [i ? ', ' : '', pkgLink(pid, d.names[pid])])),
    h('td', { class: 'num' }, r.requirement.line ? String(r.requirement.line) : '')));
  const depRows = d.dependents.map((r) => h('tr', { class: `r-${r.resolution}` },
    h('td', {}, r.from !== null ? pkgLink(r.from, d.names[r.from]) : h('span', {}, r.path)),
    h('td', {}, h('code', {}, r.requirement.raw)),
    h('td', {}, resolutionBadge(r)),
    h('td', {}, h('code', {}, `${r.path}${r.requirement.line ? `:${r.requirement.line}` : ''}`))));

  const tableOf = (caption: string, heads: string[], rows: HTMLElement[], empty: string) =>
    rows.length
      ? h('table', { class: 'data' }, h('caption', {}, caption),
          h('thead', {}, h('tr', {}, ...heads.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows))
      : h('p', { class: 'muted' }, empty);

  view.replaceChildren(
    nav,
    h('h2', { id: 'package-title' }, `${p.name} `, h('span', { class: 'version' }, p.version),
      ' ', h('span', { class: `eco e-${p.ecosystem}` }, p.ecosystem)),
    d.problems.length
      ? h('ul', { class: 'problems', 'aria-label': 'Problems of this package' }, ...d.problems.map(problemItem))
      : '',
    fields,
    h('h3', {}, `Requirements (${d.requirements.length})`),
    tableOf('What it needs, and what in the set satisfies it',
      ['Requirement', 'Kind', 'Resolution', 'Versions', 'Line'], reqRows, 'It requires nothing.'),
    h('h3', {}, `Dependents (${d.dependents.length})`),
    tableOf('Who needs it', ['Package', 'Requirement', 'Resolution', 'Where'], depRows, 'Nothing in the set requires it.'),
  );
  (view.querySelector('h2') as HTMLElement).tabIndex = -1;
  (view.querySelector('h2') as HTMLElement).focus({ preventScroll: true });
  window.scrollTo({ top: 0 });
}
