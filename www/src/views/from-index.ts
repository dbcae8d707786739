// "From an index": requirements typed in, their dependency tree read from a package index (the
// public one by default, any PEP 691/503 index that answers CORS) in the worker, each package
// listed as its metadata arrives, then the tree as the current set (Tree view).
import { $, fmt, h, showError } from '../dom';
import { applyLoaded, targetOptions } from '../load';
import { render } from '../router';
import { app, engine, state } from '../state';
import { tableSort } from './packages';

/** Bytes as the progress line shows them. */
function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1 << 20 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

async function readTree(requirements: string, indexUrl: string): Promise<void> {
  if (app.busy) return;
  app.busy = true;
  showError(null);
  const live = $('index-live');
  live.replaceChildren();
  const status = $('index-status');
  status.textContent = 'Reading the index…';
  document.body.dataset.state = 'loading';
  engine.onindex = (step) => {
    live.append(h('li', { class: `index-step ${step.status}` }, `${step.wanted} → ${step.found}`));
    status.textContent = `${fmt.format(step.visited)} requirements followed · ${fmt.format(step.requests)} requests · ${size(step.bytes)}`;
  };
  const started = performance.now();
  try {
    const loaded = await engine.call('fromIndex', { requirements, indexUrl, options: targetOptions(), sort: tableSort() });
    applyLoaded(loaded);
    state.loads++;
    status.textContent += ` · done in ${((performance.now() - started) / 1000).toFixed(2)} s`;
    document.body.dataset.state = 'loaded';
    location.hash = '#/tree';
    render();
  } catch (err) {
    document.body.dataset.state = 'error';
    status.textContent = '';
    showError(err instanceof Error ? err.message : String(err));
  } finally {
    app.busy = false;
    engine.onindex = () => {};
  }
}

export function setupFromIndex(): void {
  $('index-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const requirements = $<HTMLTextAreaElement>('index-requirements').value;
    const indexUrl = $<HTMLInputElement>('index-url').value.trim();
    if (!requirements.trim() || !indexUrl) return;
    void readTree(requirements, indexUrl);
  });
}
