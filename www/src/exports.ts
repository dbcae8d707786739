// The export buttons: the records and the check as JSON, the graph (or, on the resolve view,
// the resolve's graph) as Graphviz DOT.
import { $, download } from './dom';
import { parseRoute } from './routes';
import { app, engine } from './state';
import { resolveGraphText } from './views/resolve';

export function setupExports(): void {
  $('export-json').addEventListener('click', async () => {
    download('pkglens.json', await engine.call('exportJson', {}), 'application/json');
  });
  $('export-dot').addEventListener('click', async () => {
    const route = parseRoute();
    // On the resolve view, the view's graph is the resolve's.
    const resolved = route.view === 'resolve' ? await resolveGraphText('dot') : null;
    if (resolved !== null) {
      download('resolve.dot', resolved, 'text/vnd.graphviz');
      return;
    }
    const pkg = route.view === 'graph' || route.view === 'package' ? app.packages[route.id ?? -1] : undefined;
    const dot = await engine.call('exportDot', pkg ? { root: pkg.name, depth: route.depth || undefined } : { root: null });
    download(pkg ? `${pkg.name}.dot` : 'pkglens.dot', dot, 'text/vnd.graphviz');
  });
}
