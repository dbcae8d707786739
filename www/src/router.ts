// Shows the view the route names, and renders it again when the hash changes.
import { $ } from './dom';
import { nextRender, parseRoute } from './routes';
import { renderDiff } from './views/diff';
import { dropGraph, renderGraph } from './views/graph';
import { renderPackage } from './views/package';
import { renderProblems } from './views/problems';
import { renderWhy } from './views/why';

export function render(): void {
  const route = parseRoute();
  const token = nextRender();
  for (const view of ['packages', 'problems', 'package', 'graph', 'why', 'diff']) {
    $(`view-${view}`).hidden = view !== route.view;
  }
  for (const tab of ['packages', 'problems', 'graph', 'why', 'diff']) {
    const current = route.view === tab || (tab === 'packages' && route.view === 'package');
    if (current) $(`tab-${tab}`).setAttribute('aria-current', 'page');
    else $(`tab-${tab}`).removeAttribute('aria-current');
  }
  if (route.view !== 'graph') dropGraph();
  if (route.view === 'problems') renderProblems();
  else if (route.view === 'package' && route.id !== undefined) void renderPackage(route.id, token);
  else if (route.view === 'graph') void renderGraph(route.id, route.depth ?? 2, token);
  else if (route.view === 'why') void renderWhy(route.name, token);
  else if (route.view === 'diff') void renderDiff(token);
}

export function setupRouter(): void {
  window.addEventListener('hashchange', render);
}
