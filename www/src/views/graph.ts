// The graph view: a package's neighbourhood (or the whole set, when small), drawn by
// dagre as SVG (loaded when a graph is first drawn), capped with "Show more", and listed:
// its edges with their status and its packages, as links.
import type { Graph, GraphNode } from 'pkglens';
import { $, fmt, h } from '../dom';
import type { Drawn } from '../graph';
import { isCurrent, parseRoute } from '../routes';
import { app, byKey, engine, state } from '../state';
import { drawingOrder, hiddenBy, restrict } from '../neighbourhood';
import { pkgLink } from './links';
import { findPackage } from './names';

let drawn: Drawn | null = null;

/** Takes the drawn graph down (the view is left). */
export function dropGraph(): void {
  if (drawn) {
    drawn.destroy();
    drawn = null;
  }
}

const WHOLE_SET_LIMIT = 400;
/** Nodes drawn at first, and added by each "Show more": past about 60 a drawing stops being read. */
export const NODE_CAP = 60;

/** The graph on show: all of it, how many of its nodes are drawn, in which order. */
let current: { graph: Graph; centre: Set<string>; order: string[]; cap: number; collapsed: Set<string> } | null = null;

export async function renderGraph(id: number | undefined, depth: number, token: number): Promise<void> {
  const title = $('graph-title');
  const depthSelect = $<HTMLSelectElement>('graph-depth');
  depthSelect.value = String(depth);
  depthSelect.disabled = id === undefined;
  dropGraph();
  current = null;
  $('graph-canvas').replaceChildren();
  $('graph-nodes').replaceChildren();
  $('graph-edges').replaceChildren();
  $('graph-shown').textContent = '';
  $('graph-more').hidden = true;
  if (!state.loaded) {
    title.textContent = 'No package set yet.';
    return;
  }
  const pkg = id === undefined ? undefined : app.packages[id];
  if (!pkg && app.packages.length > WHOLE_SET_LIMIT) {
    title.textContent = `The set has ${fmt.format(app.packages.length)} packages: open a package and choose "Graph of its neighbourhood" to see part of it.`;
    return;
  }
  let graph: Graph;
  try {
    graph = await engine.call('graph', pkg
      ? { root: pkg.name, depth: depth || undefined, centre: { version: pkg.version, path: pkg.path } }
      : { root: null });
  } catch (err) {
    title.textContent = err instanceof Error ? err.message : String(err);
    return;
  }
  if (!isCurrent(token)) return;
  $<HTMLInputElement>('graph-root').value = pkg ? pkg.name : '';
  title.replaceChildren(pkg
    ? h('span', {}, 'Neighbourhood of ', pkgLink(pkg.id), ` (${graph.nodes.length} nodes, ${graph.edges.length} edges)`)
    : h('span', {}, `Whole set (${graph.nodes.length} nodes, ${graph.edges.length} edges)`));
  const centre = new Set<string>(pkg ? graph.nodes.filter((n) => idOfNode(n) === pkg.id).map((n) => n.id) : []);
  // The layout library is loaded when a graph is first drawn: the table does not wait for it.
  await import('../graph');
  if (!isCurrent(token)) return;
  current = { graph, centre, order: drawingOrder(graph, centre), cap: NODE_CAP, collapsed: new Set() };
  await draw();
}

function idOfNode(node: GraphNode): number | undefined {
  return byKey().get(`${node.path}\n${node.name} ${node.version}`);
}

/** Draws the first `cap` nodes of the graph on show, and lists its edges and nodes. */
async function draw(): Promise<void> {
  if (!current) return;
  const { graph, centre, order, cap, collapsed } = current;
  const hidden = hiddenBy(graph, centre, collapsed);
  const visible = order.filter((id) => !hidden.has(id));
  const shownIds = new Set(visible.slice(0, cap));
  const shown = restrict(graph, shownIds);
  const { drawGraph } = await import('../graph');
  drawn?.destroy();
  const canvas = $('graph-canvas');
  drawn = drawGraph(canvas, shown, centre, (nodeId) => {
    const target = idOfNode(graph.nodes.find((n) => n.id === nodeId)!);
    if (target !== undefined) location.hash = `#/package/${target}`;
  });
  highlight();
  // A wide drawing scrolls: start with the centre in view.
  const box = canvas.querySelector<SVGGElement>('g.node.centre')?.getBBox();
  if (box) {
    canvas.scrollLeft = Math.max(0, box.x + box.width / 2 - canvas.clientWidth / 2);
    canvas.scrollTop = Math.max(0, box.y - 40);
  }
  const more = $('graph-more');
  more.hidden = shown.nodes.length >= visible.length;
  $('graph-shown').textContent = [
    more.hidden ? '' : `Showing the ${fmt.format(shown.nodes.length)} packages nearest the centre of ${fmt.format(visible.length)}.`,
    hidden.size ? `${fmt.format(hidden.size)} hidden below collapsed packages.` : '',
  ].filter(Boolean).join(' ');
  for (const id of collapsed) canvas.querySelector(`g.node[data-id="${CSS.escape(id)}"]`)?.classList.add('collapsed');
  listGraph(shown);
  canvas.setAttribute('aria-label', `Dependency graph of ${shown.nodes.length} packages; the tables below list its edges and packages`);
  document.body.dataset.graph = 'drawn';
}

/** The drawn graph's edges (from, to, requirement, status) and nodes, as links a keyboard reaches. */
function listGraph(graph: Graph): void {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const link = (nodeId: string): Node => {
    const node = byId.get(nodeId)!;
    const target = idOfNode(node);
    return target !== undefined ? pkgLink(target) : h('span', {}, `${node.name} ${node.version}`.trim());
  };
  $('graph-edges').replaceChildren(...graph.edges.map((e) => h('tr', { class: `edge-row ${e.status}` },
    h('td', {}, link(e.from)), h('td', {}, link(e.to)), h('td', {}, h('code', {}, e.requirement)), h('td', { class: `status ${e.status}` }, e.status))));
  const needs = new Set(graph.edges.map((e) => e.from));
  $('graph-nodes').replaceChildren(...graph.nodes.map((n) => h('li', {}, link(n.id),
    needs.has(n.id) || current?.collapsed.has(n.id) ? collapseButton(n) : '')));
}

/** Collapses (hides what it needs, unless needed elsewhere) or expands a node, by keyboard too. */
function collapseButton(node: GraphNode): HTMLElement {
  const collapsed = current?.collapsed.has(node.id) ?? false;
  const name = `${node.name} ${node.version}`.trim();
  const button = h('button', { type: 'button', class: 'linkish collapse', 'aria-label': `${collapsed ? 'Expand' : 'Collapse'} ${name}` }, collapsed ? 'expand' : 'collapse');
  button.addEventListener('click', () => {
    if (!current) return;
    if (collapsed) current.collapsed.delete(node.id);
    else current.collapsed.add(node.id);
    void draw().then(() => $('graph-nodes').querySelector<HTMLButtonElement>(`button[aria-label$="${CSS.escape(name)}"]`)?.focus());
  });
  return button;
}

function highlight(): void {
  const text = $<HTMLInputElement>('graph-search').value;
  const count = drawn?.highlight(text) ?? 0;
  $('graph-matches').textContent = text.trim() ? `${fmt.format(count)} drawn package${count === 1 ? '' : 's'} match` : '';
}

export function setupGraph(): void {
  $('graph-depth').addEventListener('change', () => {
    const route = parseRoute();
    if (route.id !== undefined) location.hash = `#/graph/${route.id}?depth=${$<HTMLSelectElement>('graph-depth').value}`;
  });
  $('tab-graph').addEventListener('click', (e) => {
    // From a package page, the graph tab shows that package's neighbourhood.
    const route = parseRoute();
    if (route.view === 'package' && route.id !== undefined) {
      e.preventDefault();
      location.hash = `#/graph/${route.id}?depth=2`;
    }
  });

  $('graph-search').addEventListener('input', highlight);
  $('graph-more').addEventListener('click', () => {
    if (!current) return;
    current.cap += NODE_CAP;
    void draw();
  });

  $('graph-root-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = $<HTMLInputElement>('graph-root').value;
    const id = await findPackage(name);
    if (id === undefined) {
      $('graph-title').textContent = name.trim() ? `No package named “${name.trim()}” in the set.` : 'Type a package name.';
      return;
    }
    const depth = $<HTMLSelectElement>('graph-depth').value;
    location.hash = `#/graph/${id}?depth=${depth === '0' ? '2' : depth}`;
  });

}
