// What the packages view says when the set has no packages, which is not always "nothing
// loaded yet": every file read may have failed, or the set may be only requirement lists (a
// pasted requirements.txt), which are shown as a set of their own, each requirement with
// whether the set satisfies it.
import type { Graph } from 'pkglens';
import { $, fmt, h } from '../dom';
import { engine, state } from '../state';

/** The empty message as the page ships it (nothing loaded yet), kept for a later clear. */
let initial: Node[] | null = null;
let token = 0;

export async function explainEmpty(): Promise<void> {
  const box = $('empty');
  initial ??= [...box.childNodes];
  const mine = ++token;
  const loaded = state.loaded;
  if (!loaded) {
    box.replaceChildren(...initial);
    return;
  }
  const { files, errors } = loaded.scan;
  if (files === 0) {
    box.replaceChildren('None of what was given is a file pkglens reads (package metadata, wheels, sdists, pyproject.toml, requirements, locks, rez packages).');
    return;
  }
  if (errors === files) {
    box.replaceChildren(`None of the ${fmt.format(files)} ${files === 1 ? 'file' : 'files'} could be read: `,
      h('a', { href: '#/problems' }, 'see why in Problems'), '.');
    return;
  }
  let graph: Graph;
  try {
    graph = await engine.call('graph', { root: null });
  } catch (err) {
    box.replaceChildren(err instanceof Error ? err.message : String(err));
    return;
  }
  if (mine !== token) return;
  const lists = graph.nodes.filter((n) => n.ecosystem === 'file');
  if (!lists.length) {
    box.replaceChildren(`The ${fmt.format(files)} ${files === 1 ? 'file' : 'files'} read describe no packages and no requirements.`);
    return;
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const sections = lists.map((file) => {
    const edges = graph.edges.filter((e) => e.from === file.id);
    const counts = ['satisfied', 'unsatisfied', 'missing'].map((s) => [s, edges.filter((e) => e.status === s).length] as const)
      .filter(([, n]) => n > 0).map(([s, n]) => `${fmt.format(n)} ${s}`).join(', ');
    return h('section', { class: 'requirement-list', 'aria-label': `Requirements of ${file.path || file.name}` },
      h('h3', {}, h('code', {}, file.path || file.name), ` ${fmt.format(edges.length)} ${edges.length === 1 ? 'requirement' : 'requirements'}${counts ? `: ${counts}` : ''}`),
      h('table', { class: 'graph-edges' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Requirement'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'In the set'))),
        h('tbody', {}, ...edges.map((e) => {
          const to = byId.get(e.to);
          return h('tr', { class: `edge-row ${e.status}` }, h('td', {}, h('code', {}, e.requirement)),
            h('td', { class: `status ${e.status}` }, e.status),
            h('td', {}, to && !to.missing ? `${to.name} ${to.version}` : ''));
        }))));
  });
  box.replaceChildren(
    h('p', {}, `No packages: the set is ${lists.length === 1 ? 'a requirement list' : `${fmt.format(lists.length)} requirement lists`}, `
      + 'checked against nothing else. Drop a site-packages, a wheelhouse or a lock with ', h('em', {}, 'add to the current set'),
    ' ticked to check it against them.'),
    ...sections);
}
