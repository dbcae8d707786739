// The graph view, drawn with Cytoscape.js: nodes are packages (and requirement files), edges
// point from a package to what it needs. The centre package is outlined; a click or Enter on a
// node opens its package page.
import cytoscape from 'cytoscape';
import type { Graph } from 'pkglens';

export interface Drawn {
  destroy(): void;
}

const colours: { [ecosystem: string]: string } = {
  python: '#3572a5',
  rez: '#b5651d',
  file: '#6b7280',
};

/**
 * Layers: the centre and the graph's roots at level 0, what they need below (1, 2, ...), what
 * needs them above (-1, -2, ...), each found breadth first.
 */
function levels(graph: Graph, centre: Set<string>): Map<string, number> {
  const down = new Map<string, string[]>();
  const up = new Map<string, string[]>();
  for (const e of graph.edges) {
    (down.get(e.from) ?? down.set(e.from, []).get(e.from)!).push(e.to);
    (up.get(e.to) ?? up.set(e.to, []).get(e.to)!).push(e.from);
  }
  const level = new Map<string, number>();
  // The centre, then the graph's other roots (other versions of the centre's name).
  const starts = [...new Set([...centre, ...graph.roots])];
  if (starts.length === 0 && graph.nodes.length) starts.push(graph.nodes[0].id);
  const walk = (next: Map<string, string[]>, sign: number) => {
    let frontier = starts;
    const seen = new Set(starts);
    for (let d = 1; frontier.length; d++) {
      const following: string[] = [];
      for (const id of frontier) {
        for (const to of next.get(id) ?? []) {
          if (seen.has(to)) continue;
          seen.add(to);
          if (!level.has(to)) level.set(to, sign * d);
          following.push(to);
        }
      }
      frontier = following;
    }
  };
  for (const id of starts) level.set(id, 0);
  walk(down, 1);
  if (centre.size) walk(up, -1);
  // A cycle can leave nodes that no walk from a root reaches: they sit at level 0.
  return level;
}

/** Positions by level, each level's nodes sorted by name and wrapped at `perRow`. */
function layered(graph: Graph, centre: Set<string>): { [id: string]: { x: number; y: number } } {
  const level = levels(graph, centre);
  const rows = new Map<number, Graph['nodes']>();
  for (const n of graph.nodes) {
    const l = level.get(n.id) ?? 0;
    (rows.get(l) ?? rows.set(l, []).get(l)!).push(n);
  }
  const perRow = 10;
  const positions: { [id: string]: { x: number; y: number } } = {};
  let y = 0;
  for (const l of [...rows.keys()].sort((a, b) => a - b)) {
    const nodes = rows.get(l)!.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
    for (let start = 0; start < nodes.length; start += perRow) {
      const row = nodes.slice(start, start + perRow);
      row.forEach((n, i) => (positions[n.id] = { x: (i - (row.length - 1) / 2) * 140, y }));
      y += 90;
    }
    y += 30;
  }
  return positions;
}

export function drawGraph(
  container: HTMLElement,
  graph: Graph,
  centre: Set<string>,
  onopen: (nodeId: string) => void,
): Drawn {
  const roots = centre;
  const elements: cytoscape.ElementDefinition[] = [];
  for (const n of graph.nodes) {
    elements.push({
      data: {
        id: n.id,
        label: n.version ? `${n.name}\n${n.version}` : n.name,
        colour: colours[n.ecosystem] ?? '#6b7280',
        root: roots.has(n.id) ? 1 : 0,
      },
    });
  }
  const ids = new Set(graph.nodes.map((n) => n.id));
  let e = 0;
  for (const edge of graph.edges) {
    if (!ids.has(edge.from) || !ids.has(edge.to)) continue;
    elements.push({ data: { id: `e${e++}`, source: edge.from, target: edge.to, label: edge.spec } });
  }
  const small = graph.nodes.length <= 60;
  const cy = cytoscape({
    container,
    elements,
    wheelSensitivity: 0.3,
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(colour)',
          label: 'data(label)',
          color: '#111827',
          'font-size': 11,
          'text-wrap': 'wrap',
          'text-valign': 'bottom',
          'text-margin-y': 4,
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.8,
          'text-background-padding': '1px',
          width: 18,
          height: 18,
        },
      },
      {
        selector: 'node[root = 1]',
        style: { 'border-width': 4, 'border-color': '#dc2626', width: 26, height: 26, 'font-weight': 'bold' },
      },
      {
        selector: 'edge',
        style: {
          width: 1.5,
          'line-color': '#9ca3af',
          'target-arrow-color': '#9ca3af',
          'target-arrow-shape': 'triangle',
          'curve-style': small ? 'bezier' : 'straight',
          label: small ? 'data(label)' : '',
          'font-size': 9,
          color: '#4b5563',
          'text-rotation': 'autorotate',
        },
      },
      { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#2563eb' } },
    ],
    layout: { name: 'preset', positions: layered(graph, roots), fit: true, padding: 24 },
  });
  cy.on('tap', 'node', (event) => onopen(String(event.target.id())));
  return { destroy: () => cy.destroy() };
}
