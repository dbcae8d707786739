// The page's routes: the location's hash names the view and what it shows.

export interface Route { view: 'packages' | 'problems' | 'package' | 'graph' | 'tree' | 'why' | 'diff' | 'resolve'; id?: number; depth?: number; name?: string }

export function parseRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const [view, id] = path.split('/');
  const depth = Number(new URLSearchParams(query).get('depth') ?? '2');
  const n = id === undefined || id === '' ? undefined : Number(id);
  if (view === 'package' && n !== undefined) return { view, id: n };
  if (view === 'graph') return { view, id: n, depth };
  if (view === 'tree') return { view, id: n };
  if (view === 'problems' || view === 'diff') return { view };
  if (view === 'why') return { view, name: id ? decodeURIComponent(id) : undefined };
  if (view === 'resolve') return { view, name: id ? decodeURIComponent(id) : undefined };
  return { view: 'packages' };
}

let renderToken = 0;
/** A token for a render about to start: a later render makes it stale. */
export function nextRender(): number {
  return ++renderToken;
}
/** Whether the render of `token` is still the latest (an answer of the worker is still wanted). */
export function isCurrent(token: number): boolean {
  return token === renderToken;
}
