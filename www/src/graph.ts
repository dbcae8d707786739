// The graph view's drawing: a layered layout by dagre (what needs a package above it, what it
// needs below), drawn as SVG. Every label sits inside its node's box and dagre keeps boxes
// apart and routes long edges through their own slots in each layer, so labels do not overlap
// and edges do not cross nodes (the browser tests measure both on the drawn SVG). Edges are
// coloured by status; nodes matching the search are marked, the others dimmed.
import { Graph as LayoutGraph, layout as dagreLayout } from '@dagrejs/dagre';
import type { Graph, GraphNode } from 'pkglens';

export interface Drawn {
  /** Marks the nodes whose name holds `text` (case-insensitive); empty: none marked. */
  highlight(text: string): number;
  destroy(): void;
}

const SVG = 'http://www.w3.org/2000/svg';
const FONT = '12px system-ui, sans-serif';
const PAD_X = 8;
const LINE = 15;

/** The width of `text` in the node font, measured once per text. */
const measure = (() => {
  const context = document.createElement('canvas').getContext('2d');
  const cache = new Map<string, number>();
  return (text: string): number => {
    let width = cache.get(text);
    if (width === undefined) {
      if (context) {
        context.font = FONT;
        width = context.measureText(text).width;
      } else {
        width = text.length * 7;
      }
      cache.set(text, width);
    }
    return width;
  };
})();

function lines(node: GraphNode): string[] {
  return node.version ? [node.name, node.version] : [node.name];
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: { [key: string]: string | number }): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** Node positions and edge routes by dagre, top to bottom. */
function layout(graph: Graph): LayoutGraph {
  const g = new LayoutGraph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 56, edgesep: 12, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) {
    const text = lines(node);
    const width = Math.ceil(Math.max(...text.map(measure))) + 2 * PAD_X;
    g.setNode(node.id, { width, height: text.length * LINE + 10 });
  }
  graph.edges.forEach((edge, i) => {
    if (edge.from !== edge.to) g.setEdge(edge.from, edge.to, {}, `e${i}`);
  });
  dagreLayout(g);
  return g;
}

interface Point { x: number; y: number }

/** Each layer's vertical extent, by the y of its centre: its tallest node's box. */
function rankBands(g: LayoutGraph): Map<number, number> {
  const half = new Map<number, number>();
  for (const id of g.nodes()) {
    const n = g.node(id);
    const y = Math.round(n.y);
    half.set(y, Math.max(half.get(y) ?? 0, n.height / 2));
  }
  return half;
}

/** Where each edge leaves its source and enters its target, as fractions across the node's
 * side: a node's edges spread over its side in the order of the others' positions. */
function portsOf(graph: Graph): Map<number, { out: number; in: number }> {
  const outs = new Map<string, number[]>();
  const ins = new Map<string, number[]>();
  graph.edges.forEach((e, i) => {
    if (e.from === e.to) return;
    (outs.get(e.from) ?? outs.set(e.from, []).get(e.from)!).push(i);
    (ins.get(e.to) ?? ins.set(e.to, []).get(e.to)!).push(i);
  });
  const ports = new Map<number, { out: number; in: number }>();
  const spread = (list: number[], k: number) => (k + 1) / (list.length + 1);
  for (const list of outs.values()) list.forEach((i, k) => ports.set(i, { out: spread(list, k), in: 0.5 }));
  for (const list of ins.values()) list.forEach((i, k) => (ports.get(i)!.in = spread(list, k)));
  return ports;
}

/**
 * The route of an edge that crosses layers only in the gaps between them: straight down (or
 * up) out of its source to the edge of the source's layer, through each layer it spans
 * vertically at the slot dagre kept free for it, and straight into its target. Nodes live only
 * in layers, and a layer's nodes never share an x, so no segment passes through a node. (dagre's
 * own points join the node's boundary to the gap diagonally, which can clip the node beside it.)
 */
function routeThroughGaps(g: LayoutGraph, bands: Map<number, number>, edge: { from: string; to: string }, points: Point[], port: { out: number; in: number }): Point[] {
  const from = g.node(edge.from);
  const to = g.node(edge.to);
  const down = to.y >= from.y ? 1 : -1;
  const band = (y: number) => bands.get(Math.round(y));
  const sx = from.x - from.width / 2 + from.width * port.out;
  const tx = to.x - to.width / 2 + to.width * port.in;
  const route: Point[] = [
    { x: sx, y: from.y + (down * from.height) / 2 },
    { x: sx, y: from.y + down * (band(from.y) ?? from.height / 2) },
  ];
  for (const p of points.slice(1, -1)) {
    const half = band(p.y);
    if (half === undefined) route.push(p);
    else route.push({ x: p.x, y: p.y - down * half }, { x: p.x, y: p.y + down * half });
  }
  route.push({ x: tx, y: to.y - down * (band(to.y) ?? to.height / 2) }, { x: tx, y: to.y - (down * to.height) / 2 });
  return route;
}

export function drawGraph(
  container: HTMLElement,
  graph: Graph,
  centre: Set<string>,
  onopen: (nodeId: string) => void,
): Drawn {
  const g = layout(graph);
  const size = g.graph();
  const root = svg('svg', {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    viewBox: `0 0 ${Math.ceil(size.width ?? 0)} ${Math.ceil(size.height ?? 0)}`,
    class: 'graph-svg',
  });
  const defs = svg('defs', {});
  for (const status of ['satisfied', 'unsatisfied', 'missing']) {
    const marker = svg('marker', { id: `arrow-${status}`, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrow ${status}` }));
    defs.append(marker);
  }
  root.append(defs);
  const edgeLayer = svg('g', { class: 'edges' });
  const nodeLayer = svg('g', { class: 'nodes' });
  const bands = rankBands(g);
  const ports = portsOf(graph);
  graph.edges.forEach((edge, i) => {
    if (edge.from === edge.to) return;
    const route = g.edge({ v: edge.from, w: edge.to, name: `e${i}` });
    if (!route?.points?.length) return;
    const points = routeThroughGaps(g, bands, edge, route.points as Point[], ports.get(i)!);
    const d = points.map((p, k) => `${k ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const path = svg('path', { d, class: `edge ${edge.status}`, 'marker-end': `url(#arrow-${edge.status})`, 'data-from': edge.from, 'data-to': edge.to });
    const title = svg('title', {});
    title.textContent = `${edge.requirement} (${edge.status})`;
    path.append(title);
    edgeLayer.append(path);
  });
  const nodes = new Map<string, SVGGElement>();
  for (const node of graph.nodes) {
    const box = g.node(node.id);
    const text = lines(node);
    const group = svg('g', { class: `node ${node.ecosystem}${centre.has(node.id) ? ' centre' : ''}${node.missing ? ' missing' : ''}`, 'data-id': node.id });
    group.append(svg('rect', { x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width, height: box.height, rx: 4 }));
    const label = svg('text', { x: box.x, y: box.y - ((text.length - 1) * LINE) / 2 + 4, 'text-anchor': 'middle' });
    text.forEach((line, k) => {
      const span = svg('tspan', { x: box.x, dy: k ? LINE : 0 });
      span.textContent = line;
      label.append(span);
    });
    group.append(label);
    group.addEventListener('click', () => onopen(node.id));
    nodes.set(node.id, group);
    nodeLayer.append(group);
  }
  root.append(edgeLayer, nodeLayer);
  container.replaceChildren(root);
  const names = new Map(graph.nodes.map((n) => [n.id, n.name.toLowerCase()]));
  return {
    highlight(text: string): number {
      const wanted = text.trim().toLowerCase();
      let count = 0;
      root.classList.toggle('searching', wanted !== '');
      for (const [id, group] of nodes) {
        const hit = wanted !== '' && (names.get(id) ?? '').includes(wanted);
        group.classList.toggle('match', hit);
        if (hit) count++;
      }
      return count;
    },
    destroy: () => root.remove(),
  };
}
