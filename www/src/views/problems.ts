// The problems view: the set's problems by kind, and within a kind rolled up by the name
// required and the cause (1,213 packages missing one package is one row, not 1,213), each row
// opening onto the packages concerned, with a link to why the name is wanted. A search box
// keeps the rows whose name, cause or packages hold the text. After a cancelled load only what
// each file says about itself is shown: a check of a half-read set would call every package
// not yet read missing.
import { $, fmt, h, prose } from '../dom';
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
  incompatible: 'Incompatible with the target',
  dynamic: 'Computed (dynamic) fields',
};

/** Problems a file has on its own: true of a part of the set as of the whole. */
export const FILE_FACTS = new Set(['parse_error', 'dynamic']);

/** Rows shown at first in a kind, and problems shown at first in a row. */
const ROWS_SHOWN = 100;
const ITEMS_SHOWN = 200;
/** Rows of at most this many problems start open. */
const OPEN_UP_TO = 5;

interface Group {
  kind: string;
  /** The name required, or for problems of no name, the file or package concerned. */
  name: string;
  cause: string;
  problems: LinkedProblem[];
  /** Lower-cased text the search looks in. */
  text: string;
}

/** The cause of a problem, with the package that has it taken out: the same for all who share it. */
function causeOf(p: LinkedProblem): string {
  if (p.kind === 'missing') return 'not in the set';
  if (p.kind === 'unsatisfied') return 'no version in the set fits';
  if (p.kind === 'parse_error') return p.message.replace(/\s+/g, ' ').slice(0, 160);
  const message = p.package ? p.message.split(p.package).join('…') : p.message;
  return message.replace(/\s+/g, ' ').slice(0, 160);
}

function groupsOf(problems: LinkedProblem[]): Map<string, Group[]> {
  const byKind = new Map<string, Map<string, Group>>();
  for (const p of problems) {
    const groups = byKind.get(p.kind) ?? byKind.set(p.kind, new Map()).get(p.kind)!;
    const name = p.name || (p.kind === 'parse_error' ? '' : p.package);
    const cause = causeOf(p);
    const key = `${name}\n${cause}`;
    let group = groups.get(key);
    if (!group) {
      group = { kind: p.kind, name, cause, problems: [], text: `${name}\n${cause}`.toLowerCase() };
      groups.set(key, group);
    }
    group.problems.push(p);
    group.text += `\n${p.package}\n${p.requirement}\n${p.path}`.toLowerCase();
  }
  const out = new Map<string, Group[]>();
  for (const [kind, groups] of byKind) out.set(kind, [...groups.values()].sort((a, b) => b.problems.length - a.problems.length || (a.name < b.name ? -1 : 1)));
  return out;
}

function groupRow(group: Group): HTMLElement {
  const count = group.problems.length;
  const who = group.kind === 'parse_error' ? `${fmt.format(count)} ${count === 1 ? 'file' : 'files'}` : `${fmt.format(count)} ${count === 1 ? 'requirement' : 'requirements'}`;
  const list = h('ul', { class: 'problems' });
  const why = group.name && (group.kind === 'missing' || group.kind === 'unsatisfied')
    ? h('a', { href: `#/why/${encodeURIComponent(group.name)}`, class: 'why', 'aria-label': `Why is ${group.name} wanted?` }, 'why?')
    : '';
  const details = h('details', { class: 'problem-group' },
    h('summary', {},
      group.name ? h('strong', { class: 'group-name' }, group.name) : '',
      ' ', h('span', { class: 'cause' }, ...prose(group.cause)), ' ', h('span', { class: 'count' }, who)),
    list);
  details.addEventListener('toggle', () => {
    if (!details.open || list.childElementCount) return;
    for (const p of group.problems.slice(0, ITEMS_SHOWN)) list.append(problemItem(p));
    if (count > ITEMS_SHOWN) {
      const more = h('button', { type: 'button' }, `Show all ${fmt.format(count)}`);
      more.addEventListener('click', () => {
        for (const p of group.problems.slice(ITEMS_SHOWN)) list.append(problemItem(p));
        more.remove();
      });
      details.append(more);
    }
  });
  // A few problems are as quick to read as their row: such a row starts open.
  if (count <= OPEN_UP_TO) details.open = true;
  return h('li', {}, details, ' ', why);
}

let grouped: { problems: LinkedProblem[]; groups: Map<string, Group[]> } | null = null;

/** The problems the view shows now: coming back to the same ones keeps the rows opened, the search and the focus. */
let shownFor: LinkedProblem[] | null = null;

export function renderProblems(): void {
  const view = $('view-problems');
  if (state.loaded && shownFor === app.problems && view.childElementCount) return;
  shownFor = state.loaded ? app.problems : null;
  view.replaceChildren();
  if (!state.loaded) {
    view.append(h('p', { class: 'empty' }, 'No package set yet.'));
    return;
  }
  if (state.loaded.cancelled) {
    view.append(h('p', { class: 'note', role: 'note' },
      `The load was cancelled after ${fmt.format(state.loaded.parsed)} of ${fmt.format(state.loaded.selected)} files: `
      + 'requirements are not checked against a half-read set (packages not yet read would show as missing). '
      + 'Only what each file read says about itself is listed. Load the folder again to check it.'));
  }
  if (app.problems.length === 0) {
    view.append(h('p', { class: 'ok' }, 'No problems found.'));
    return;
  }
  if (grouped?.problems !== app.problems) grouped = { problems: app.problems, groups: groupsOf(app.problems) };
  const search = h('input', { type: 'search', id: 'problems-search', placeholder: 'name, package or file contains', 'aria-label': 'Search the problems', autocomplete: 'off' }) as HTMLInputElement;
  const status = h('span', { role: 'status', 'aria-live': 'polite', id: 'problems-shown' });
  const sections = h('div', {});
  view.append(h('div', { class: 'graph-controls' }, h('label', {}, 'Search ', search), status), sections);
  const show = () => {
    const wanted = search.value.trim().toLowerCase();
    sections.replaceChildren();
    let rows = 0;
    for (const [kind, groups] of grouped!.groups) {
      const matching = wanted ? groups.filter((g) => g.text.includes(wanted)) : groups;
      if (!matching.length) continue;
      rows += matching.length;
      const total = matching.reduce((n, g) => n + g.problems.length, 0);
      const ul = h('ul', { class: 'problem-groups' }, ...matching.slice(0, ROWS_SHOWN).map(groupRow));
      const title = kindTitles[kind] ?? kind;
      const section = h('section', { class: 'kind', 'aria-label': title },
        h('h2', {}, `${title} `, h('span', { class: 'count' }, fmt.format(total)),
          matching.length !== total ? h('span', { class: 'muted' }, ` in ${fmt.format(matching.length)} ${matching.length === 1 ? 'group' : 'groups'}`) : ''),
        ul);
      if (matching.length > ROWS_SHOWN) {
        const more = h('button', { type: 'button' }, `Show all ${fmt.format(matching.length)} groups`);
        more.addEventListener('click', () => {
          ul.append(...matching.slice(ROWS_SHOWN).map(groupRow));
          more.remove();
        });
        section.append(more);
      }
      sections.append(section);
    }
    status.textContent = wanted ? `${fmt.format(rows)} ${rows === 1 ? 'group matches' : 'groups match'}` : '';
  };
  search.addEventListener('input', show);
  show();
}
