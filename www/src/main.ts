// The page: inputs, progress, the package table, a package's page, the problems panel, the
// graph, why and diff. All parsing and checking happens in the worker (src/worker.ts); this
// thread renders. This file wires the parts: the loading (src/load.ts), the views
// (src/views/), the routes (src/routes.ts, src/router.ts) and the exports.
import './style.css';
import { $, showError } from './dom';
import { setupExports } from './exports';
import { setupLoad, start } from './load';
import { render, setupRouter } from './router';
import { app, engine, state } from './state';
import { setupDiff } from './views/diff';
import { setupFromIndex } from './views/from-index';
import { setupGraph } from './views/graph';
import { setupNames } from './views/names';
import { refreshTable, setupPackages } from './views/packages';
import { setupTree } from './views/tree';
import { setupWhy } from './views/why';
import { setupResolve } from './views/resolve';

engine.onfailure = (message) => showError(`The parsing worker failed: ${message}`);
// A replaced worker holds no set: the page shows none, and says why.
engine.onrestart = (reason) => {
  state.loaded = null;
  showError(`The engine failed on the last files (${reason}) and was restarted: the page works, load the files again.`);
};
setupLoad();
setupExports();
setupPackages();
setupRouter();
setupGraph();
setupNames();
setupWhy();
setupTree();
setupDiff();
setupResolve();
setupFromIndex();

refreshTable();
render();
app.startup = start().catch((err: unknown) => {
  $('engine').textContent = 'The engine failed to start';
  showError(`pkglens failed to start: ${err instanceof Error ? err.message : String(err)}`);
  document.body.dataset.engine = 'failed';
});
