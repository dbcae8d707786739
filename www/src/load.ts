// Loading: the engine's start, the inputs (drop, pickers, samples, paste), choosing and sending
// the files to the worker, its progress, and taking the checked set it hands back.
import type { SetOptions } from 'pkglens';
import { $, fmt, h, showError } from './dom';
import { captureDrop, droppedHandles, fromDropped, fromFileList, fromText, includesMessage, samples } from './inputs';
import type { InputFile, LinkedProblem, Loaded, Progress } from './protocol';
import { render } from './router';
import { app, engine, forgetKeys, state, took } from './state';
import { forgetNames } from './views/names';
import { FILE_FACTS } from './views/problems';
import { refreshTable, setSorted, tableSort } from './views/packages';

/** `showDirectoryPicker` where the browser has it (Chromium): the worker then walks the folder. */
type DirectoryPicker = (options: { id?: string; mode?: 'read' }) => Promise<FileSystemDirectoryHandle>;

export async function start(): Promise<void> {
  const ready = await engine.call('init', {});
  state.ready = ready;
  const status = $('engine');
  status.textContent = `pkglens ${ready.version} · ${ready.build === 'threads' ? `${ready.threads} threads` : 'single thread'}`;
  status.title = `engine started in ${Math.round(ready.startMs)} ms`;
  if (ready.build !== 'threads') {
    const note = $('note');
    note.hidden = false;
    note.textContent = `Running single-threaded: ${ready.fallback ?? 'threads unavailable'}. ` +
      'Serve the page with Cross-Origin-Opener-Policy: same-origin and ' +
      'Cross-Origin-Embedder-Policy: require-corp (as www/serve does) to parse on every core.';
  }
  document.body.dataset.engine = ready.build;
}

export function targetOptions(): SetOptions {
  return {
    python: $<HTMLSelectElement>('python').value,
    platform: $<HTMLSelectElement>('platform').value as SetOptions['platform'],
    machine: $<HTMLSelectElement>('machine').value as SetOptions['machine'],
  };
}

/** Before a folder input's files arrive: the browser is listing them. */
function showWaiting(): void {
  const box = $('progress');
  box.hidden = false;
  box.classList.add('waiting');
  $<HTMLButtonElement>('cancel').hidden = true;
  $<HTMLProgressElement>('progress-bar').removeAttribute('value');
  $('progress-text').textContent = 'Waiting for the folder: the browser lists all its files before the page gets them (some seconds for thousands of files)…';
}

function showProgress(p: Progress, threads: number): void {
  $('progress').classList.remove('waiting');
  const bar = $<HTMLProgressElement>('progress-bar');
  const text = $('progress-text');
  if (p.phase === 'listing') {
    bar.removeAttribute('value');
    text.textContent = p.total ? `Choosing among ${fmt.format(p.total)} files…` : 'Listing files…';
    return;
  }
  bar.max = Math.max(1, p.total);
  bar.value = p.done;
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  const threadText = `${threads} ${threads === 1 ? 'thread' : 'threads'}`;
  if (p.phase === 'walking') {
    bar.removeAttribute('value');
    text.textContent = `${fmt.format(p.done)} files read of ${fmt.format(p.total)} found so far · ` +
      `${fmt.format(Math.round(rate))} files/s · ${threadText}`;
    return;
  }
  text.textContent = p.phase === 'checking'
    ? `Read ${fmt.format(p.done)} files; checking the set…`
    : `${fmt.format(p.done)} / ${fmt.format(p.total)} files · ${fmt.format(Math.round(rate))} files/s · ${threads} ${threads === 1 ? 'thread' : 'threads'}`;
}


async function send(list: InputFile[], append: boolean): Promise<Loaded> {
  showProgress({ done: 0, total: list.length, elapsedMs: 0, phase: 'listing' }, 1);
  const names = list.map((f) => f.name);
  const chosen = await engine.call('select', { names });
  const withCompanions = companionsOf(list, await engine.call('companions', { names }));
  state.timings.selected = performance.now() - app.loadStarted;
  const token = ++sendToken;
  const loaded = engine.call('parse', { total: chosen.length, append, options: targetOptions(), sort: tableSort() });
  // Posting a File of a picked folder costs this thread a synchronous round trip to the browser
  // process the first time (about 0.45 ms in Chromium, far more when that process is busy), and
  // posting it once sized costs 2 to 3 µs. So each File is sized alone, the clock read after
  // each, and the sized ones posted 8 a message: at most 12 ms (and one round trip), then the
  // page paints.
  let i = 0;
  while (i < chosen.length && token === sendToken) {
    const slice = performance.now();
    let sized = i;
    while (sized < chosen.length && performance.now() - slice < 12) {
      const bytes = list[chosen[sized]].bytes;
      const one = performance.now();
      if (typeof bytes !== 'string') void bytes.size;
      took('size', one);
      sized++;
      if (sized - i === 8) {
        engine.send({ control: 'files', files: chosen.slice(i, sized).map((k) => withCompanions(list[k])) });
        i = sized;
      }
    }
    if (sized > i) engine.send({ control: 'files', files: chosen.slice(i, sized).map((k) => withCompanions(list[k])) });
    i = sized;
    took('send', slice);
    if (i < chosen.length) await yieldToPage();
  }
  // After a cancel the worker ends the input itself; a later load has an input of its own.
  if (token === sendToken) engine.send({ control: 'end' });
  state.timings.sent = performance.now() - app.loadStarted;
  return loaded;
}
let sendToken = 0;

/**
 * The files of `list` at `companions` (an egg-info's `requires.txt`) go with the files of their
 * folder that are read (its `PKG-INFO`), as their `includes`: the parser reads them together.
 */
function companionsOf(list: InputFile[], companions: number[]): (file: InputFile) => InputFile {
  if (!companions.length) return (file) => file;
  const folder = (name: string) => name.slice(0, Math.max(0, name.lastIndexOf('/')));
  const byFolder = new Map<string, InputFile[]>();
  for (const k of companions) {
    const file = list[k];
    byFolder.set(folder(file.name), [...(byFolder.get(folder(file.name)) ?? []), { name: file.name, bytes: file.bytes }]);
  }
  return (file) => {
    const includes = byFolder.get(folder(file.name));
    return includes ? { ...file, includes } : file;
  };
}

/**
 * Lets the page paint and take input, without setTimeout's 4 ms clamp. (Not `scheduler.yield`:
 * its continuation runs before the worker's messages, which would wait for the whole send.)
 */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** What a load reads: files given to this page, or folders (handles) the worker walks. */
export type Source = InputFile[] | { roots: FileSystemHandle[] };
let loadToken = 0;

export async function ingest(source: Source | Promise<Source>, started = performance.now()): Promise<void> {
  if (app.busy) {
    sendToken++;
    engine.cancel();
  }
  app.busy = true;
  const load = ++loadToken;
  app.partial = false;
  app.loadStarted = started;
  state.timeToRowsMs = null;
  state.timings = {};
  state.slowest = {};
  showError(null);
  const box = $('progress');
  box.hidden = false;
  $<HTMLButtonElement>('cancel').hidden = false;
  showProgress({ done: 0, total: 0, elapsedMs: 0, phase: 'listing' }, 1);
  document.body.dataset.state = 'loading';
  try {
    const list = await source;
    state.timings.listed = performance.now() - started;
    await (app.startup ?? Promise.resolve());
    const append = $<HTMLInputElement>('append').checked;
    state.source = Array.isArray(list) ? 'files' : 'handles';
    const loaded = Array.isArray(list)
      ? await send(list, append)
      : await engine.call('parseHandles', { roots: list.roots, append, options: targetOptions(), sort: tableSort() });
    if (load !== loadToken) return; // a newer load replaced this one
    state.timings.received = performance.now() - started;
    app.partial = false;
    applyLoaded(loaded);
    state.timings.applied = performance.now() - started;
    state.loads++;
    location.hash = '#/packages';
    render();
    requestAnimationFrame(() => {
      state.timeToTableMs = performance.now() - started;
      state.timings.table = state.timeToTableMs;
      state.timeToRowsMs ??= state.timeToTableMs;
      document.body.dataset.state = 'loaded';
      const rate = loaded.parseMs > 0 ? (loaded.parsed * 1000) / loaded.parseMs : 0;
      $('progress-text').textContent =
        `${loaded.cancelled ? 'Cancelled after reading' : 'Read'} ${fmt.format(loaded.parsed)} of ${fmt.format(loaded.selected)} files ` +
        `in ${(loaded.parseMs / 1000).toFixed(2)} s (${fmt.format(Math.round(rate))} files/s, ${loaded.threads} ` +
        `${loaded.threads === 1 ? 'thread' : 'threads'}); table after ${(state.timeToTableMs / 1000).toFixed(2)} s`;
      $<HTMLProgressElement>('progress-bar').value = $<HTMLProgressElement>('progress-bar').max;
    });
  } catch (err) {
    if (load !== loadToken) return;
    document.body.dataset.state = 'error';
    showError(err instanceof Error ? err.message : String(err));
  } finally {
    if (load === loadToken) {
      app.busy = false;
      app.partial = false;
      $<HTMLButtonElement>('cancel').hidden = true;
    }
  }
}

function countPerPackage(problems: LinkedProblem[], packages: number): number[] {
  const counts = new Array<number>(packages).fill(0);
  for (const p of problems) if (p.pkg !== null) counts[p.pkg]++;
  return counts;
}

export function applyLoaded(loaded: Loaded): void {
  const started = performance.now();
  state.loaded = loaded;
  app.packages = loaded.packages;
  // After a cancel, the checks are of a half-read set: only what files say of themselves counts.
  app.problems = loaded.cancelled ? loaded.problems.filter((p) => FILE_FACTS.has(p.kind)) : loaded.problems;
  app.problemCounts = loaded.cancelled ? countPerPackage(app.problems, loaded.packages.length) : loaded.problemCounts;
  forgetKeys();
  forgetNames();
  $('count-packages').textContent = fmt.format(app.packages.length);
  $('count-problems').textContent = fmt.format(app.problems.length);
  $<HTMLButtonElement>('export-json').disabled = false;
  $<HTMLButtonElement>('export-dot').disabled = false;
  // The worker sorted the rows for the table (unless none were asked for, or they were for a
  // column the person has left since).
  const order = loaded.order;
  setSorted(order ? order.sort : null, order ? order.ids.map((id) => app.packages[id]) : []);
  refreshTable();
  took('apply', started);
}


export function setupLoad(): void {
  engine.onprogress = (p) => showProgress(p, state.ready?.threads ?? 1);
  engine.onrows = (rows) => {
    if (!app.busy) return;
    const started = performance.now();
    if (!app.partial) {
      app.partial = true;
      app.packages = $<HTMLInputElement>('append').checked ? app.packages.slice() : [];
      app.problemCounts = [];
      location.hash = '#/packages';
    }
    for (const row of rows) app.packages.push(row);
    setSorted(null);
    refreshTable();
    took('rows', started);
    if (state.timeToRowsMs === null) {
      requestAnimationFrame(() => {
        state.timeToRowsMs ??= performance.now() - app.loadStarted;
        state.timings.rows = state.timeToRowsMs;
      });
    }
  };


  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const started = performance.now();
    if (!e.dataTransfer) return;
    const text = $('progress-text');
    // The worker walks dropped folders itself when the browser gives their handles (File System
    // Access API); otherwise this thread lists them (webkitGetAsEntry) and posts their Files.
    const dropped = captureDrop(e.dataTransfer);
    void ingest((async (): Promise<Source> => {
      const roots = await droppedHandles(dropped);
      return roots ? { roots } : fromDropped(dropped, (n) => (text.textContent = `Listing files… ${fmt.format(n)}`));
    })(), started);
  });
  // Dropping outside the zone must not navigate away from the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  // The folder input (Firefox's and Safari's only way to pick a folder): from the choice to the
  // `change` event the browser lists every file, seconds for thousands on the page's own thread,
  // and the page cannot draw meanwhile. It says so before that starts, with a spinner that runs
  // on the compositor, not on the page's blocked thread.
  const folderInput = $<HTMLInputElement>('folder-input');
  folderInput.addEventListener('click', () => {
    if (!app.busy) showWaiting();
  });
  folderInput.addEventListener('cancel', () => {
    if (!app.busy) $('progress').hidden = true;
  });
  for (const id of ['folder-input', 'file-input']) {
    const input = $<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      const started = performance.now();
      if (input.files && input.files.length) void ingest(fromFileList(input.files), started);
      input.value = '';
    });
  }
  for (const label of Array.from(document.querySelectorAll<HTMLLabelElement>('label.button'))) {
    label.tabIndex = 0;
    label.setAttribute('role', 'button');
    label.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        label.click();
      }
    });
  }

  // Folder… asks showDirectoryPicker where there is one: the worker then walks the folder.
  const folderLabel = $('folder-input').closest('label');
  folderLabel?.addEventListener('click', (e) => {
    const picker = (window as unknown as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
    if (!picker || e.target !== folderLabel) return; // the plain folder input (and its own click)
    e.preventDefault();
    picker.call(window, { id: 'pkglens-folder', mode: 'read' }).then(
      (handle) => void ingest({ roots: [handle] }),
      (err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') return; // closed the picker
        // Refused (a system folder, a policy): the plain folder input instead.
        $<HTMLInputElement>('folder-input').click();
      },
    );
  });

  const base = import.meta.env.BASE_URL;
  for (const id of ['sample', 'sample2']) $(id).addEventListener('click', () => void ingest(samples(base)));

  const pasteDialog = $<HTMLDialogElement>('paste-dialog');
  $('paste-open').addEventListener('click', () => pasteDialog.showModal());
  pasteDialog.addEventListener('close', () => {
    const text = $<HTMLTextAreaElement>('paste-text').value;
    if (pasteDialog.returnValue !== 'ok' || !text.trim()) return;
    const { file, includes } = fromText(text);
    void ingest([file]).then(() => {
      if (includes.length) showError(includesMessage(includes));
    });
  });
  $('cancel').addEventListener('click', () => {
    sendToken++;
    engine.cancel();
  });

  for (let minor = 8; minor <= 14; minor++) {
    const option = h('option', { value: `3.${minor}` }, `3.${minor}`);
    if (minor === 12) option.selected = true;
    $('python').append(option);
  }
  for (const id of ['python', 'platform', 'machine']) {
    $(id).addEventListener('change', async () => {
      if (!state.loaded) return;
      try {
        applyLoaded(await engine.call('setOptions', { options: targetOptions(), sort: tableSort() }));
        render();
      } catch (err) {
        showError(err instanceof Error ? err.message : String(err));
      }
    });
  }
}
