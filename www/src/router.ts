// Shows the view the route names, and renders it again when the hash changes.
import { $ } from './dom';
import { nextRender, parseRoute } from './routes';
import { renderDiff } from './views/diff';
import { dropGraph, renderGraph } from './views/graph';
import { renderPackage } from './views/package';
import { focusTable } from './views/packages';
import { renderProblems } from './views/problems';
import { renderTree } from './views/tree';
import { renderWhy } from './views/why';
import { dropResolveGraph, renderResolve } from './views/resolve';

/** The view shown before this render: Back from a package's page gives the table its focus back. */
let previous: string | null = null;
/** The element that had the focus in each view when it was left (a row's link, the table). */
const lastFocused = new Map<string, Element>();

export function render(): void {
  const route = parseRoute();
  const from = previous;
  previous = route.view;
  const active = document.activeElement;
  if (from && active && $(`view-${from}`).contains(active)) lastFocused.set(from, active);
  const token = nextRender();
  for (const view of ['packages', 'problems', 'package', 'graph', 'tree', 'why', 'diff', 'resolve']) {
    $(`view-${view}`).hidden = view !== route.view;
  }
  for (const tab of ['packages', 'problems', 'graph', 'tree', 'why', 'diff', 'resolve']) {
    const current = route.view === tab || (tab === 'packages' && route.view === 'package');
    if (current) $(`tab-${tab}`).setAttribute('aria-current', 'page');
    else $(`tab-${tab}`).removeAttribute('aria-current');
  }
  if (route.view !== 'graph') dropGraph();
  if (route.view !== 'resolve') dropResolveGraph();
  if (from === 'package') requestAnimationFrame(() => restoreFocus(route.view));
  if (route.view === 'problems') renderProblems();
  else if (route.view === 'package' && route.id !== undefined) void renderPackage(route.id, token);
  else if (route.view === 'graph') void renderGraph(route.id, route.depth ?? 2, token);
  else if (route.view === 'tree') void renderTree(route.id, token);
  else if (route.view === 'why') void renderWhy(route.name, token);
  else if (route.view === 'diff') void renderDiff(token);
  else if (route.view === 'resolve') void renderResolve(route.name, token);
}

/**
 * Back from a package's page: the focus goes to where it was in the view (the table's row, the
 * problem's link), if the view kept that element; the table otherwise.
 */
function restoreFocus(view: string): void {
  const element = lastFocused.get(view);
  if (element instanceof HTMLElement && element.isConnected && $(`view-${view}`).contains(element)) element.focus();
  else if (view === 'packages') focusTable();
}

export function setupRouter(): void {
  window.addEventListener('hashchange', render);
}
