// The graph view: a package's neighbourhood (or the whole set, when small), drawn by
// Cytoscape (loaded when a graph is first drawn) and listed.
import type { Graph } from 'pkglens';
import { $, fmt, h } from '../dom';
import type { Drawn } from '../graph';
import { isCurrent, parseRoute } from '../routes';
import { app, byKey, engine, state } from '../state';
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

export async function renderGraph(id: number | undefined, depth: number, token: number): Promise<void> {
  const title = $('graph-title');
  const canvas = $('graph-canvas');
  const list = $('graph-nodes');
  const depthSelect = $<HTMLSelectElement>('graph-depth');
  depthSelect.value = String(depth);
  depthSelect.disabled = id === undefined;
  drawn?.destroy();
  drawn = null;
  canvas.replaceChildren();
  list.replaceChildren();
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
    graph = await engine.call('graph', pkg ? { root: pkg.name, depth: depth || undefined } : { root: null });
  } catch (err) {
    title.textContent = err instanceof Error ? err.message : String(err);
    return;
  }
  if (!isCurrent(token)) return;
  $<HTMLInputElement>('graph-root').value = pkg ? pkg.name : '';
  title.replaceChildren(pkg
    ? h('span', {}, 'Neighbourhood of ', pkgLink(pkg.id), ` (${graph.nodes.length} nodes, ${graph.edges.length} edges)`)
    : h('span', {}, `Whole set (${graph.nodes.length} nodes, ${graph.edges.length} edges)`));
  const idOf = (nodeId: string): number | undefined => {
    const node = graph.nodes.find((n) => n.id === nodeId);
    return node ? byKey().get(`${node.path}\n${node.name} ${node.version}`) : undefined;
  };
  const centre = new Set<string>(pkg ? graph.nodes.filter((n) => byKey().get(`${n.path}\n${n.name} ${n.version}`) === pkg.id).map((n) => n.id) : []);
  // Cytoscape is loaded when a graph is first drawn: the table does not wait for it.
  const { drawGraph } = await import('../graph');
  if (!isCurrent(token)) return;
  drawn = drawGraph(canvas, graph, centre, (nodeId) => {
    const target = idOf(nodeId);
    if (target !== undefined) location.hash = `#/package/${target}`;
  });
  for (const node of graph.nodes) {
    const target = byKey().get(`${node.path}\n${node.name} ${node.version}`);
    list.append(h('li', {}, target !== undefined ? pkgLink(target) : `${node.name} ${node.version}`.trim()));
  }
  canvas.setAttribute('aria-label', `Dependency graph of ${graph.nodes.length} packages; the list below names them`);
  document.body.dataset.graph = 'drawn';
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
