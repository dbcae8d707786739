// The tree view, as `pipdeptree` and `uv pip tree` print one: each top-level package (nothing
// in the set needs it; requirements files too) with what it needs below it, each requirement
// with its status, expanded and collapsed as native <details> (Enter or Space on a row). The
// set's graph gives the edges, so what is shown is what applies for the target (extras not
// asked for, false markers and inactive build requirements are not edges). Children are made
// when a row is first opened: a repository of 18,000 packages opens at once.
import type { Graph, GraphEdge, GraphNode } from 'pkglens';
import { $, fmt, h } from '../dom';
import { naturalCompare } from '../order';
import { isCurrent } from '../routes';
import { app, byKey, engine, state } from '../state';
import { pkgLink } from './links';

/** Top-level rows shown at first, and added by each "Show more". */
const ROOTS_SHOWN = 200;

interface Tree {
  graph: Graph;
  nodes: Map<string, GraphNode>;
  children: Map<string, GraphEdge[]>;
  roots: string[];
  shown: number;
}

let tree: Tree | null = null;

function label(node: GraphNode): string {
  return `${node.name} ${node.version}`.trim();
}

function nodeLink(node: GraphNode): Node {
  const id = byKey().get(`${node.path}\n${node.name} ${node.version}`);
  if (id !== undefined) return pkgLink(id);
  return h('span', { class: node.missing ? 'pkg missing' : 'pkg' }, node.ecosystem === 'file' ? node.path || node.name : label(node));
}

function makeTree(graph: Graph, root: string | null): Tree {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const children = new Map<string, GraphEdge[]>();
  const needed = new Set<string>();
  for (const e of graph.edges) {
    (children.get(e.from) ?? children.set(e.from, []).get(e.from)!).push(e);
    if (e.from !== e.to) needed.add(e.to);
  }
  const byName = (a: string, b: string) => naturalCompare(label(nodes.get(a)!), label(nodes.get(b)!));
  for (const list of children.values()) list.sort((a, b) => byName(a.to, b.to));
  const roots = root !== null
    ? [root]
    : graph.nodes.filter((n) => !needed.has(n.id) && !n.missing).map((n) => n.id).sort(byName);
  return { graph, nodes, children, roots, shown: ROOTS_SHOWN };
}

/** One row: the package, and (below a package) the requirement that led to it and its status. */
function row(t: Tree, nodeId: string, via: GraphEdge | null, ancestors: Set<string>): HTMLLIElement {
  const node = t.nodes.get(nodeId)!;
  const status = via ? h('span', { class: `status ${via.status}` }, via.status) : null;
  const requirement = via ? h('code', { class: 'req' }, via.requirement) : null;
  const parts = [nodeLink(node), ' ', requirement, ' ', status];
  const kids = t.children.get(nodeId) ?? [];
  if (ancestors.has(nodeId)) return h('li', { class: 'leaf' }, ...parts, ' ', h('span', { class: 'cycle' }, '(cycle: already above)'));
  if (!kids.length) return h('li', { class: 'leaf' }, ...parts);
  const list = h('ul', {});
  const details = h('details', {}, h('summary', {}, ...parts, ' ', h('span', { class: 'count' }, `${kids.length}`)), list);
  details.addEventListener('toggle', () => {
    if (!details.open || list.childElementCount) return;
    const below = new Set(ancestors).add(nodeId);
    list.append(...kids.map((e) => row(t, e.to, e, below)));
  });
  return h('li', {}, details);
}

function showRoots(): void {
  if (!tree) return;
  const t = tree;
  const wanted = $<HTMLInputElement>('tree-filter').value.trim().toLowerCase();
  const roots = wanted ? t.roots.filter((id) => t.nodes.get(id)!.name.toLowerCase().includes(wanted)) : t.roots;
  const shown = roots.slice(0, t.shown);
  const list = $('tree');
  list.replaceChildren(...shown.map((id) => row(t, id, null, new Set())));
  if (t.roots.length === 1) list.querySelector('details')?.setAttribute('open', '');
  $('tree-more').hidden = shown.length >= roots.length;
  $('tree-title').textContent = `${fmt.format(shown.length)} of ${fmt.format(roots.length)} top-level ${roots.length === 1 ? 'entry' : 'entries'}`
    + `${wanted ? ' matching' : ''} (nothing in the set needs them); ${fmt.format(t.graph.edges.length)} requirements that apply.`;
}

export async function renderTree(id: number | undefined, token: number): Promise<void> {
  $('tree').replaceChildren();
  $('tree-more').hidden = true;
  tree = null;
  if (!state.loaded) {
    $('tree-title').textContent = 'No package set yet.';
    return;
  }
  const pkg = id === undefined ? undefined : app.packages[id];
  $('tree-title').textContent = 'Making the tree…';
  let graph: Graph;
  try {
    graph = await engine.call('graph', pkg
      ? { root: pkg.name, centre: { version: pkg.version, path: pkg.path } }
      : { root: null });
  } catch (err) {
    $('tree-title').textContent = err instanceof Error ? err.message : String(err);
    return;
  }
  if (!isCurrent(token)) return;
  const centre = pkg ? graph.nodes.find((n) => byKey().get(`${n.path}\n${n.name} ${n.version}`) === pkg.id) : undefined;
  tree = makeTree(graph, centre ? centre.id : null);
  showRoots();
  document.body.dataset.tree = 'drawn';
}

export function setupTree(): void {
  $('tree-filter').addEventListener('input', () => {
    if (tree) tree.shown = ROOTS_SHOWN;
    showRoots();
  });
  $('tree-more').addEventListener('click', () => {
    if (!tree) return;
    tree.shown += ROOTS_SHOWN;
    showRoots();
  });
  $('tree-expand').addEventListener('click', () => {
    for (const details of $('tree').querySelectorAll('details:not([open])')) (details as HTMLDetailsElement).open = true;
  });
  $('tree-collapse').addEventListener('click', () => {
    for (const details of $('tree').querySelectorAll('details[open]')) (details as HTMLDetailsElement).open = false;
  });
}
