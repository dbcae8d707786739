// Pieces several views show: a link to a package's page, a problem as a list item.
import { h, prose } from '../dom';
import type { LinkedProblem } from '../protocol';
import { app } from '../state';

export function pkgLink(id: number | null, label?: string): HTMLElement {
  const p = id === null ? undefined : app.packages[id];
  if (!p) return h('span', {}, label ?? '');
  return h('a', { href: `#/package/${p.id}`, class: 'pkg' }, label ?? `${p.name} ${p.version}`);
}

export function problemItem(p: LinkedProblem): HTMLElement {
  const where = `${p.path}${p.line ? `:${p.line}` : ''}`;
  return h('li', { class: `problem k-${p.kind}` },
    p.pkg !== null ? pkgLink(p.pkg) : h('span', { class: 'pkg' }, p.package || '(file)'),
    ' ', h('span', { class: 'msg' }, ...prose(p.message)), ' ', h('code', { class: 'where' }, where));
}
