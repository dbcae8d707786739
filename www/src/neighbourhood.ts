// Graph pieces shared by the worker and the graph view: a package's neighbourhood cut out of
// the graph of its name, and the order in which a capped drawing shows nodes.
import type { Graph } from 'pkglens';

/**
 * Hops from `starts` to every node they reach, following edges both ways (`from` needs `to`):
 * downwards only (`down`), or downwards and upwards, at most `depth` hops (0: any), not
 * through the `blocked` nodes.
 */
export function distances(graph: Graph, starts: Iterable<string>, depth = 0, up = true, blocked: Set<string> = new Set()): Map<string, number> {
  const next = new Map<string, string[]>();
  const link = (a: string, b: string) => (next.get(a) ?? next.set(a, []).get(a)!).push(b);
  for (const e of graph.edges) link(`d${e.from}`, e.to);
  if (up) for (const e of graph.edges) link(`u${e.to}`, e.from);
  const hops = new Map<string, number>();
  for (const s of starts) hops.set(s, 0);
  // Down and up walks are separate: a dependency's other dependents are not the centre's.
  for (const way of up ? ['d', 'u'] : ['d']) {
    let frontier = [...hops.keys()].filter((id) => hops.get(id) === 0);
    const seen = new Set(frontier);
    for (let d = 1; frontier.length && (depth === 0 || d <= depth); d++) {
      const following: string[] = [];
      for (const id of frontier) {
        if (blocked.has(id)) continue; // a collapsed node: reached, not walked through
        for (const to of next.get(`${way}${id}`) ?? []) {
          if (seen.has(to)) continue;
          seen.add(to);
          following.push(to);
          if (!hops.has(to) || hops.get(to)! > d) hops.set(to, d);
        }
      }
      frontier = following;
    }
  }
  return hops;
}

/** The part of `graph` within `depth` hops of the nodes `centre` (above and below). */
export function neighbourhood(graph: Graph, centre: Set<string>, depth = 0): Graph {
  const keep = distances(graph, centre, depth);
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => keep.has(n.id)),
    edges: graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
    roots: graph.roots.filter((id) => centre.has(id)),
  };
}

/** Where a drawing starts: the centre, else the graph's roots, else its first node. */
function startsOf(graph: Graph, centre: Set<string>): string[] {
  return centre.size ? [...centre] : graph.roots.length ? graph.roots : graph.nodes.slice(0, 1).map((n) => n.id);
}

/**
 * The nodes hidden by collapsing `collapsed`: those the drawing's starts reach only through a
 * collapsed node (what a collapsed package needs, and needs in turn, unless needed elsewhere).
 */
export function hiddenBy(graph: Graph, centre: Set<string>, collapsed: Set<string>): Set<string> {
  if (!collapsed.size) return new Set();
  const starts = startsOf(graph, centre);
  const all = distances(graph, starts, 0, centre.size > 0);
  const open = distances(graph, starts, 0, centre.size > 0, collapsed);
  return new Set([...all.keys()].filter((id) => !open.has(id)));
}

/** The nodes nearest the centre (or the graph's roots) first, then by name: a capped drawing shows a prefix. */
export function drawingOrder(graph: Graph, centre: Set<string>): string[] {
  const hops = distances(graph, startsOf(graph, centre), 0, centre.size > 0);
  const names = new Map(graph.nodes.map((n) => [n.id, `${n.name} ${n.version}`]));
  const far = Number.MAX_SAFE_INTEGER;
  return graph.nodes
    .map((n) => n.id)
    .sort((a, b) => (hops.get(a) ?? far) - (hops.get(b) ?? far) || (names.get(a)! < names.get(b)! ? -1 : names.get(a)! > names.get(b)! ? 1 : 0));
}

/** The graph with only the nodes `ids` and the edges between them. */
export function restrict(graph: Graph, ids: Set<string>): Graph {
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => ids.has(n.id)),
    edges: graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to)),
  };
}
