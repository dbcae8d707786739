// The problems view: the set's problems, grouped by kind.
import { $, fmt, h } from '../dom';
import type { LinkedProblem } from '../protocol';
import { app, state } from '../state';
import { problemItem } from './links';

const kindTitles: { [kind: string]: string } = {
  parse_error: 'Files that could not be read',
  missing: 'Missing requirements',
  unsatisfied: 'Unsatisfied requirements',
  conflict: 'Conflicts',
  cycle: 'Cycles',
  duplicate: 'Duplicates',
  dynamic: 'Computed (dynamic) fields',
};


export function renderProblems(): void {
  const view = $('view-problems');
  view.replaceChildren();
  if (!state.loaded) {
    view.append(h('p', { class: 'empty' }, 'No package set yet.'));
    return;
  }
  if (app.problems.length === 0) {
    view.append(h('p', { class: 'ok' }, 'No problems found.'));
    return;
  }
  const groups = new Map<string, LinkedProblem[]>();
  for (const p of app.problems) {
    const list = groups.get(p.kind);
    if (list) list.push(p);
    else groups.set(p.kind, [p]);
  }
  for (const [kind, list] of groups) {
    const ul = h('ul', { class: 'problems' });
    const shown = 300;
    for (const p of list.slice(0, shown)) ul.append(problemItem(p));
    const section = h('section', { class: 'kind', 'aria-label': kindTitles[kind] ?? kind },
      h('h2', {}, `${kindTitles[kind] ?? kind} `, h('span', { class: 'count' }, fmt.format(list.length))), ul);
    if (list.length > shown) {
      const more = h('button', { type: 'button' }, `Show all ${fmt.format(list.length)}`);
      more.addEventListener('click', () => {
        for (const p of list.slice(shown)) ul.append(problemItem(p));
        more.remove();
      });
      section.append(more);
    }
    view.append(section);
  }
}
