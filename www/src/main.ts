// The page: inputs, progress, the package table, a package's page, the problems panel and the
// graph. All parsing and checking happens in the worker (src/worker.ts); this thread renders.
import './style.css';
import type { Graph, Resolved, SetOptions, SetPackage } from 'pkglens';
import { Engine } from './client';
import type { Drawn } from './graph';
import { captureDrop, droppedHandles, fromDropped, fromFileList, fromText, samples } from './inputs';
import { naturalCompare, sortPackages, type SortSpec } from './order';
import type { InputFile, LinkedProblem, Loaded, PackageDetails, Progress, Ready } from './protocol';
import { VirtualTable } from './table';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing`);
  return element as T;
};

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { [key: string]: string | undefined } = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key === 'class') element.className = value;
    else element.setAttribute(key, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

const fmt = new Intl.NumberFormat('en');

/** What the test harness and a curious person can read from the console. */
interface AppState {
  ready: Ready | null;
  loaded: Loaded | null;
  /** From the input (drop, pick) to the first rows in the table, and to the checked table. */
  timeToRowsMs: number | null;
  timeToTableMs: number | null;
  /** Milestones of the last load, in ms from the input. */
  timings: { [step: string]: number };
  loads: number;
  /** How the last load reached the worker: Files posted by this page, or handles it walked. */
  source: 'files' | 'handles' | null;
  /**
   * The longest piece of each kind of work this thread did for the last load, in ms: `size`
   * (one File's first round trip to the browser process), `send` (sizing and posting Files
   * between yields), `rows` (taking rows read so far), `apply` (taking the checked set).
   */
  slowest: { [work: string]: number };
}
const state: AppState = { ready: null, loaded: null, timeToRowsMs: null, timeToTableMs: null, timings: {}, loads: 0, source: null, slowest: {} };
(window as unknown as { pkglens: AppState }).pkglens = state;

const engine = new Engine();
let busy = false;
let packages: SetPackage[] = [];
let problems: LinkedProblem[] = [];
let problemCounts: number[] = [];
/** Package ids by file and `name version` (graph nodes name packages so), made when first needed. */
let byKeyCache: Map<string, number> | null = null;
function byKey(): Map<string, number> {
  byKeyCache ??= new Map(packages.map((p) => [`${p.path}\n${p.name} ${p.version}`, p.id]));
  return byKeyCache;
}
let drawn: Drawn | null = null;
/** Rows arrive while a load is read; they are replaced by the checked set's when it is done. */
let partial = false;
let loadStarted = 0;

// ---------------------------------------------------------------- the engine

function showError(message: string | null): void {
  const box = $('error');
  box.hidden = message === null;
  box.textContent = message ?? '';
}

engine.onfailure = (message) => showError(`The parsing worker failed: ${message}`);

async function start(): Promise<void> {
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
      'Cross-Origin-Embedder-Policy: require-corp (as `www/serve` does) to parse on every core.';
  }
  document.body.dataset.engine = ready.build;
}

// ---------------------------------------------------------------- inputs

function targetOptions(): SetOptions {
  return {
    python: $<HTMLSelectElement>('python').value,
    platform: $<HTMLSelectElement>('platform').value,
    machine: $<HTMLSelectElement>('machine').value,
  };
}

function showProgress(p: Progress, threads: number): void {
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

engine.onprogress = (p) => showProgress(p, state.ready?.threads ?? 1);
/** Notes how long a piece of work on this thread took, keeping the longest of each kind. */
function took(work: string, since: number): void {
  state.slowest[work] = Math.max(state.slowest[work] ?? 0, performance.now() - since);
}

engine.onrows = (rows) => {
  if (!busy) return;
  const started = performance.now();
  if (!partial) {
    partial = true;
    packages = $<HTMLInputElement>('append').checked ? packages.slice() : [];
    problemCounts = [];
    location.hash = '#/packages';
  }
  for (const row of rows) packages.push(row);
  sortCache = null;
  refreshTable();
  took('rows', started);
  if (state.timeToRowsMs === null) {
    requestAnimationFrame(() => {
      state.timeToRowsMs ??= performance.now() - loadStarted;
      state.timings.rows = state.timeToRowsMs;
    });
  }
};

/** Chooses the files to read, then hands them to the worker in chunks between frames. */
async function send(list: InputFile[], append: boolean): Promise<Loaded> {
  showProgress({ done: 0, total: list.length, elapsedMs: 0, phase: 'listing' }, 1);
  const chosen = await engine.call('select', { names: list.map((f) => f.name) });
  state.timings.selected = performance.now() - loadStarted;
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
        engine.send({ control: 'files', files: chosen.slice(i, sized).map((k) => list[k]) });
        i = sized;
      }
    }
    if (sized > i) engine.send({ control: 'files', files: chosen.slice(i, sized).map((k) => list[k]) });
    i = sized;
    took('send', slice);
    if (i < chosen.length) await yieldToPage();
  }
  // After a cancel the worker ends the input itself; a later load has an input of its own.
  if (token === sendToken) engine.send({ control: 'end' });
  state.timings.sent = performance.now() - loadStarted;
  return loaded;
}
let sendToken = 0;

/**
 * Lets the page paint and take input, without setTimeout's 4 ms clamp. (Not `scheduler.yield`:
 * its continuation runs before the worker's messages, which would wait for the whole send.)
 */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** What a load reads: files given to this page, or folders (handles) the worker walks. */
type Source = InputFile[] | { roots: FileSystemHandle[] };
let loadToken = 0;

async function ingest(source: Source | Promise<Source>, started = performance.now()): Promise<void> {
  if (busy) {
    sendToken++;
    engine.cancel();
  }
  busy = true;
  const load = ++loadToken;
  partial = false;
  loadStarted = started;
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
    await (startup ?? Promise.resolve());
    const append = $<HTMLInputElement>('append').checked;
    state.source = Array.isArray(list) ? 'files' : 'handles';
    const loaded = Array.isArray(list)
      ? await send(list, append)
      : await engine.call('parseHandles', { roots: list.roots, append, options: targetOptions(), sort: tableSort() });
    if (load !== loadToken) return; // a newer load replaced this one
    state.timings.received = performance.now() - started;
    partial = false;
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
      busy = false;
      partial = false;
      $<HTMLButtonElement>('cancel').hidden = true;
    }
  }
}

function applyLoaded(loaded: Loaded): void {
  const started = performance.now();
  state.loaded = loaded;
  packages = loaded.packages;
  problems = loaded.problems;
  problemCounts = loaded.problemCounts;
  byKeyCache = null;
  namesStale = true;
  $('count-packages').textContent = fmt.format(packages.length);
  $('count-problems').textContent = fmt.format(problems.length);
  $<HTMLButtonElement>('export-json').disabled = false;
  $<HTMLButtonElement>('export-dot').disabled = false;
  // The worker sorted the rows for the table (unless none were asked for, or they were for a
  // column the person has left since).
  const order = loaded.order;
  sortCache = order ? { key: order.sort.key, dir: order.sort.dir, ids: order.ids.map((id) => packages[id]) } : null;
  refreshTable();
  took('apply', started);
}

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

/** `showDirectoryPicker` where the browser has it (Chromium): the worker then walks the folder. */
type DirectoryPicker = (options: { id?: string; mode?: 'read' }) => Promise<FileSystemDirectoryHandle>;
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
  if (pasteDialog.returnValue === 'ok' && text.trim()) void ingest([fromText(text)]);
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

// ---------------------------------------------------------------- exports

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

$('export-json').addEventListener('click', async () => {
  download('pkglens.json', await engine.call('exportJson', {}), 'application/json');
});
$('export-dot').addEventListener('click', async () => {
  const route = parseRoute();
  const pkg = route.view === 'graph' || route.view === 'package' ? packages[route.id ?? -1] : undefined;
  const dot = await engine.call('exportDot', pkg ? { root: pkg.name, depth: route.depth || undefined } : { root: null });
  download(pkg ? `${pkg.name}.dot` : 'pkglens.dot', dot, 'text/vnd.graphviz');
});

// ---------------------------------------------------------------- the table

const table = new VirtualTable<SetPackage>(
  [
    { key: 'ecosystem', label: 'Ecosystem', text: (p) => p.ecosystem, className: 'c-eco' },
    { key: 'name', label: 'Name', text: (p) => p.name, className: 'c-name' },
    { key: 'version', label: 'Version', text: (p) => p.version, className: 'c-version' },
    { key: 'requires', label: 'Requires', text: (p) => String(p.requires), numeric: true, className: 'c-req' },
    { key: 'problems', label: 'Problems', text: (p) => (problemCounts[p.id] ? String(problemCounts[p.id]) : ''), numeric: true, className: 'c-prob' },
    { key: 'path', label: 'File', text: (p) => p.path, className: 'c-path' },
  ],
  'Packages',
);
$('table-host').append(table.element);
let sortKey = 'name';
let sortDir: 1 | -1 = 1;
let sortCache: { key: string; dir: number; ids: SetPackage[] } | null = null;
table.setSort(sortKey, sortDir);
table.onsort = (key, dir) => {
  sortKey = key;
  sortDir = dir;
  refreshTable();
};
table.onopen = (p) => {
  // Rows shown while a load is read are not in a set yet: they open once it is checked.
  if (!partial) location.hash = `#/package/${p.id}`;
};

function sorted(): SetPackage[] {
  // While a large load is read, rows stay in arrival order: sorting them every time new rows
  // come would cost the page's thread hundreds of ms a time. They are sorted once checked.
  if (partial && packages.length > 2000) return packages;
  if (sortCache && sortCache.key === sortKey && sortCache.dir === sortDir) return sortCache.ids;
  const ids = sortPackages(packages, problemCounts, tableSort());
  sortCache = { key: sortKey, dir: sortDir, ids };
  return ids;
}

/** The table's current order, which the worker sorts a checked set in. */
function tableSort(): SortSpec {
  return { key: sortKey, dir: sortDir };
}

function refreshTable(): void {
  const text = $<HTMLInputElement>('filter-text').value.trim().toLowerCase();
  const eco = $<HTMLSelectElement>('filter-eco').value;
  const prob = $<HTMLSelectElement>('filter-problems').value;
  const rows = sorted().filter((p) =>
    (!eco || p.ecosystem === eco) &&
    (!prob || (prob === 'with') === problemCounts[p.id] > 0) &&
    (!text || p.name.toLowerCase().includes(text) || p.path.toLowerCase().includes(text)));
  table.setRows(rows);
  $('shown').textContent = packages.length
    ? `${fmt.format(rows.length)} of ${fmt.format(packages.length)} packages`
    : '';
  $('empty').hidden = packages.length > 0;
  $('table-host').hidden = packages.length === 0;
}

let filterTimer = 0;
$('filter-text').addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = window.setTimeout(refreshTable, 120);
});
$('filter-eco').addEventListener('change', refreshTable);
$('filter-problems').addEventListener('change', refreshTable);

// ---------------------------------------------------------------- routes

interface Route { view: 'packages' | 'problems' | 'package' | 'graph' | 'why' | 'diff'; id?: number; depth?: number; name?: string }

function parseRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const [view, id] = path.split('/');
  const depth = Number(new URLSearchParams(query).get('depth') ?? '2');
  const n = id === undefined || id === '' ? undefined : Number(id);
  if (view === 'package' && n !== undefined) return { view, id: n };
  if (view === 'graph') return { view, id: n, depth };
  if (view === 'problems' || view === 'diff') return { view };
  if (view === 'why') return { view, name: id ? decodeURIComponent(id) : undefined };
  return { view: 'packages' };
}

function pkgLink(id: number | null, label?: string): HTMLElement {
  const p = id === null ? undefined : packages[id];
  if (!p) return h('span', {}, label ?? '');
  return h('a', { href: `#/package/${p.id}`, class: 'pkg' }, label ?? `${p.name} ${p.version}`);
}

let renderToken = 0;
function render(): void {
  const route = parseRoute();
  const token = ++renderToken;
  for (const view of ['packages', 'problems', 'package', 'graph', 'why', 'diff']) {
    $(`view-${view}`).hidden = view !== route.view;
  }
  for (const tab of ['packages', 'problems', 'graph', 'why', 'diff']) {
    const current = route.view === tab || (tab === 'packages' && route.view === 'package');
    if (current) $(`tab-${tab}`).setAttribute('aria-current', 'page');
    else $(`tab-${tab}`).removeAttribute('aria-current');
  }
  if (route.view !== 'graph' && drawn) {
    drawn.destroy();
    drawn = null;
  }
  if (route.view === 'problems') renderProblems();
  else if (route.view === 'package' && route.id !== undefined) void renderPackage(route.id, token);
  else if (route.view === 'graph') void renderGraph(route.id, route.depth ?? 2, token);
  else if (route.view === 'why') void renderWhy(route.name, token);
  else if (route.view === 'diff') void renderDiff(token);
}
window.addEventListener('hashchange', render);

// ---------------------------------------------------------------- problems

const kindTitles: { [kind: string]: string } = {
  parse_error: 'Files that could not be read',
  missing: 'Missing requirements',
  unsatisfied: 'Unsatisfied requirements',
  conflict: 'Conflicts',
  cycle: 'Cycles',
  duplicate: 'Duplicates',
  dynamic: 'Computed (dynamic) fields',
};

function problemItem(p: LinkedProblem): HTMLElement {
  const where = `${p.path}${p.line ? `:${p.line}` : ''}`;
  return h('li', { class: `problem k-${p.kind}` },
    p.pkg !== null ? pkgLink(p.pkg) : h('span', { class: 'pkg' }, p.package || '(file)'),
    ' ', h('span', { class: 'msg' }, p.message), ' ', h('code', { class: 'where' }, where));
}

function renderProblems(): void {
  const view = $('view-problems');
  view.replaceChildren();
  if (!state.loaded) {
    view.append(h('p', { class: 'empty' }, 'No package set yet.'));
    return;
  }
  if (problems.length === 0) {
    view.append(h('p', { class: 'ok' }, 'No problems found.'));
    return;
  }
  const groups = new Map<string, LinkedProblem[]>();
  for (const p of problems) {
    const list = groups.get(p.kind);
    if (list) list.push(p);
    else groups.set(p.kind, [p]);
  }
  for (const [kind, list] of groups) {
    const ul = h('ul', { class: 'problems' });
    const shown = 300;
    for (const p of list.slice(0, shown)) ul.append(problemItem(p));
    const section = h('section', { class: 'kind', 'aria-label': kindTitles[kind] ?? kind },
      h('h2', {}, `${kindTitles[kind] ?? kind} `, h('span', { class: 'count' }, fmt.format(list.length))), ul);
    if (list.length > shown) {
      const more = h('button', { type: 'button' }, `Show all ${fmt.format(list.length)}`);
      more.addEventListener('click', () => {
        for (const p of list.slice(shown)) ul.append(problemItem(p));
        more.remove();
      });
      section.append(more);
    }
    view.append(section);
  }
}

// ---------------------------------------------------------------- a package

function resolutionBadge(r: Resolved): HTMLElement {
  return h('span', { class: `badge r-${r.resolution}` }, r.resolution);
}

function nextProblemAfter(id: number): LinkedProblem | undefined {
  const linked = problems.filter((p) => p.pkg !== null);
  if (linked.length === 0) return undefined;
  const at = linked.findIndex((p) => p.pkg === id);
  if (at < 0) return linked[0];
  for (let i = 1; i <= linked.length; i++) {
    const p = linked[(at + i) % linked.length];
    if (p.pkg !== id) return p;
  }
  return undefined;
}

async function renderPackage(id: number, token: number): Promise<void> {
  const view = $('view-package');
  let d: PackageDetails;
  try {
    d = await engine.call('details', { id });
  } catch (err) {
    view.replaceChildren(h('p', { class: 'error' }, err instanceof Error ? err.message : String(err)));
    return;
  }
  if (token !== renderToken) return;
  const p = d.package;
  const line = p.line ? `:${p.line}` : '';
  const next = nextProblemAfter(id);
  const nav = h('div', { class: 'package-nav' },
    h('a', { href: '#/packages' }, '← All packages'),
    h('a', { href: `#/graph/${id}?depth=2`, id: 'open-graph' }, 'Graph of its neighbourhood'),
    h('a', { href: `#/why/${encodeURIComponent(p.name)}`, id: 'open-why' }, 'Why is it in the set?'),
    next && next.pkg !== null
      ? h('a', { href: `#/package/${next.pkg}`, id: 'next-problem', title: next.message }, 'Next problem →')
      : h('span', { class: 'muted' }, 'No other problem'));

  const fields = h('dl', { class: 'fields' });
  const field = (name: string, value: string | undefined | null | false) => {
    if (value) fields.append(h('dt', {}, name), h('dd', {}, value));
  };
  field('Ecosystem', p.ecosystem);
  field('File', `${d.record.path}${line}`);
  field('Format', d.record.format ?? 'unknown');
  field('Status', d.record.status + (d.record.reason ? `: ${d.record.reason}` : ''));
  field('Summary', p.summary);
  field('Description', p.description);
  field('Requires Python', p.requires_python);
  field('Extras', p.provides_extra?.join(', '));
  field('License', p.license_expression);
  field('Metadata version', p.metadata_version);
  field('Dynamic', p.dynamic?.join(', '));
  field('Tools', p.tools?.join(', '));
  if (p.variants?.length) field('Variants', p.variants.map((v) => `[${v.map((r) => r.raw).join(', ')}]`).join(' '));

  const reqRows = d.requirements.map((r) => h('tr', { class: `r-${r.resolution}` },
    h('td', {}, h('code', {}, r.requirement.raw)),
    h('td', {}, r.list === 'requires' ? r.requirement.kind : `${r.list} (${r.requirement.kind})`),
    h('td', {}, resolutionBadge(r)),
    h('td', {}, ...r.packages.flatMap((pid, i) => [i ? ', ' : '', pkgLink(pid, d.names[pid])])),
    h('td', { class: 'num' }, r.requirement.line ? String(r.requirement.line) : '')));
  const depRows = d.dependents.map((r) => h('tr', { class: `r-${r.resolution}` },
    h('td', {}, r.from !== null ? pkgLink(r.from, d.names[r.from]) : h('span', {}, r.path)),
    h('td', {}, h('code', {}, r.requirement.raw)),
    h('td', {}, resolutionBadge(r)),
    h('td', {}, h('code', {}, `${r.path}${r.requirement.line ? `:${r.requirement.line}` : ''}`))));

  const tableOf = (caption: string, heads: string[], rows: HTMLElement[], empty: string) =>
    rows.length
      ? h('table', { class: 'data' }, h('caption', {}, caption),
          h('thead', {}, h('tr', {}, ...heads.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows))
      : h('p', { class: 'muted' }, empty);

  view.replaceChildren(
    nav,
    h('h2', { id: 'package-title' }, `${p.name} `, h('span', { class: 'version' }, p.version),
      ' ', h('span', { class: `eco e-${p.ecosystem}` }, p.ecosystem)),
    d.problems.length
      ? h('ul', { class: 'problems', 'aria-label': 'Problems of this package' }, ...d.problems.map(problemItem))
      : '',
    fields,
    h('h3', {}, `Requirements (${d.requirements.length})`),
    tableOf('What it needs, and what in the set satisfies it',
      ['Requirement', 'Kind', 'Resolution', 'Versions', 'Line'], reqRows, 'It requires nothing.'),
    h('h3', {}, `Dependents (${d.dependents.length})`),
    tableOf('Who needs it', ['Package', 'Requirement', 'Resolution', 'Where'], depRows, 'Nothing in the set requires it.'),
  );
  (view.querySelector('h2') as HTMLElement).tabIndex = -1;
  (view.querySelector('h2') as HTMLElement).focus({ preventScroll: true });
  window.scrollTo({ top: 0 });
}

// ---------------------------------------------------------------- graph

const WHOLE_SET_LIMIT = 400;

async function renderGraph(id: number | undefined, depth: number, token: number): Promise<void> {
  const title = $('graph-title');
  const canvas = $('graph-canvas');
  const list = $('graph-nodes');
  const depthSelect = $<HTMLSelectElement>('graph-depth');
  depthSelect.value = String(depth);
  depthSelect.disabled = id === undefined;
  drawn?.destroy();
  drawn = null;
  canvas.replaceChildren();
  list.replaceChildren();
  if (!state.loaded) {
    title.textContent = 'No package set yet.';
    return;
  }
  const pkg = id === undefined ? undefined : packages[id];
  if (!pkg && packages.length > WHOLE_SET_LIMIT) {
    title.textContent = `The set has ${fmt.format(packages.length)} packages: open a package and choose "Graph of its neighbourhood" to see part of it.`;
    return;
  }
  let graph: Graph;
  try {
    graph = await engine.call('graph', pkg ? { root: pkg.name, depth: depth || undefined } : { root: null });
  } catch (err) {
    title.textContent = err instanceof Error ? err.message : String(err);
    return;
  }
  if (token !== renderToken) return;
  $<HTMLInputElement>('graph-root').value = pkg ? pkg.name : '';
  title.replaceChildren(pkg
    ? h('span', {}, 'Neighbourhood of ', pkgLink(pkg.id), ` (${graph.nodes.length} nodes, ${graph.edges.length} edges)`)
    : h('span', {}, `Whole set (${graph.nodes.length} nodes, ${graph.edges.length} edges)`));
  const idOf = (nodeId: string): number | undefined => {
    const node = graph.nodes.find((n) => n.id === nodeId);
    return node ? byKey().get(`${node.path}\n${node.name} ${node.version}`) : undefined;
  };
  const centre = new Set<string>(pkg ? graph.nodes.filter((n) => byKey().get(`${n.path}\n${n.name} ${n.version}`) === pkg.id).map((n) => n.id) : []);
  // Cytoscape is loaded when a graph is first drawn: the table does not wait for it.
  const { drawGraph } = await import('./graph');
  if (token !== renderToken) return;
  drawn = drawGraph(canvas, graph, centre, (nodeId) => {
    const target = idOf(nodeId);
    if (target !== undefined) location.hash = `#/package/${target}`;
  });
  for (const node of graph.nodes) {
    const target = byKey().get(`${node.path}\n${node.name} ${node.version}`);
    list.append(h('li', {}, target !== undefined ? pkgLink(target) : `${node.name} ${node.version}`.trim()));
  }
  canvas.setAttribute('aria-label', `Dependency graph of ${graph.nodes.length} packages; the list below names them`);
  document.body.dataset.graph = 'drawn';
}

$('graph-depth').addEventListener('change', () => {
  const route = parseRoute();
  if (route.id !== undefined) location.hash = `#/graph/${route.id}?depth=${$<HTMLSelectElement>('graph-depth').value}`;
});
$('tab-graph').addEventListener('click', (e) => {
  // From a package page, the graph tab shows that package's neighbourhood.
  const route = parseRoute();
  if (route.view === 'package' && route.id !== undefined) {
    e.preventDefault();
    location.hash = `#/graph/${route.id}?depth=2`;
  }
});


// ---------------------------------------------------------------- graph roots by name

/** The names offered while typing a package name, filled when such a field is first used. */
let namesStale = true;
function fillNames(): void {
  if (!namesStale) return;
  namesStale = false;
  const names = [...new Set(packages.map((p) => p.name))].sort();
  $('package-names').replaceChildren(...names.map((name) => h('option', { value: name })));
}
for (const id of ['graph-root', 'why-name']) $(id).addEventListener('focus', fillNames);

/** The package to centre on for a name typed by a person: the engine's lookup, then any match. */
async function findPackage(name: string): Promise<number | undefined> {
  const wanted = name.trim();
  if (!wanted || !state.loaded) return undefined;
  const ids = await engine.call('find', { name: wanted });
  // Of several versions, the newest.
  if (ids.length) return ids.reduce((a, b) => (naturalCompare(packages[b].version, packages[a].version) > 0 ? b : a));
  // rez names are case-sensitive; a person may not know how one is written.
  const lower = wanted.toLowerCase();
  const same = packages.filter((p) => p.name.toLowerCase() === lower);
  return same.length ? same.reduce((a, b) => (naturalCompare(b.version, a.version) > 0 ? b : a)).id : undefined;
}

$('graph-root-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $<HTMLInputElement>('graph-root').value;
  const id = await findPackage(name);
  if (id === undefined) {
    $('graph-title').textContent = name.trim() ? `No package named “${name.trim()}” in the set.` : 'Type a package name.';
    return;
  }
  const depth = $<HTMLSelectElement>('graph-depth').value;
  location.hash = `#/graph/${id}?depth=${depth === '0' ? '2' : depth}`;
});

// ---------------------------------------------------------------- why

async function renderWhy(name: string | undefined, token: number): Promise<void> {
  const out = $('why-result');
  const input = $<HTMLInputElement>('why-name');
  if (name !== undefined) input.value = name;
  if (!state.loaded) {
    out.replaceChildren(h('p', { class: 'empty' }, 'No package set yet.'));
    return;
  }
  if (!name) {
    out.replaceChildren(h('p', { class: 'muted' }, 'Type a package name: the chains by which it is required, from a root (a requirements file, a project, or a package nothing needs) down to it.'));
    return;
  }
  let why;
  try {
    why = await engine.call('why', { name });
  } catch (err) {
    if (token !== renderToken) return;
    out.replaceChildren(h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
    return;
  }
  if (token !== renderToken) return;
  const step = (s: { label: string; pkg: number | null }, i: number, chain: unknown[]) => [
    i ? h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → ') : '',
    h('span', { class: i === chain.length - 1 ? 'step goal' : 'step' }, s.pkg !== null ? pkgLink(s.pkg, s.label) : h('code', {}, s.label)),
  ];
  const required = why.chains.filter((c) => c.length > 1);
  out.replaceChildren(
    h('h2', { id: 'why-title' }, required.length
      ? `Why ${why.name} is in the set: ${fmt.format(required.length)}${why.limited ? '+' : ''} ${required.length === 1 ? 'chain' : 'chains'}`
      : `Nothing in the set requires ${why.name}: it is a root`),
    h('ol', { class: 'chains', 'aria-label': `Chains down to ${why.name}` },
      ...why.chains.map((chain) => h('li', { 'aria-label': chain.map((s) => s.label).join(', which requires ') },
        ...chain.flatMap((s, i) => step(s, i, chain))))),
    why.limited ? h('p', { class: 'muted' }, 'Only the first chains are shown.') : '',
  );
}

$('why-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const name = $<HTMLInputElement>('why-name').value.trim();
  location.hash = `#/why/${encodeURIComponent(name)}`;
  if (parseRoute().view === 'why') render();
});

// ---------------------------------------------------------------- diff

async function renderDiff(token: number): Promise<void> {
  const out = $('diff-result');
  if (!state.loaded) {
    out.replaceChildren(h('p', { class: 'empty' }, 'No package set yet: load the new side first (drop a folder above).'));
    return;
  }
  const d = await engine.call('diff', {});
  if (token !== renderToken) return;
  if (!d) {
    out.replaceChildren(h('p', { class: 'muted' }, 'No old side yet: choose or drop one above, or keep the current set and then load the new one.'));
    return;
  }
  const { added, removed, changed } = d.diff;
  const link = (labelText: string) => (d.ids[labelText] !== undefined ? pkgLink(d.ids[labelText], labelText) : h('span', {}, labelText));
  const list = (title: string, cls: string, items: HTMLElement[]) =>
    h('section', { class: `diff-section ${cls}`, 'aria-label': title },
      h('h3', {}, `${title} `, h('span', { class: 'count' }, fmt.format(items.length))),
      items.length ? h('ul', {}, ...items) : h('p', { class: 'muted' }, 'None.'));
  out.replaceChildren(
    h('h2', { id: 'diff-title' }, `From ${d.old.label} (${fmt.format(d.old.packages)} packages) to the current set (${fmt.format(d.current.packages)} packages)`),
    list('Added', 'd-added', added.map((a) => h('li', { class: 'd-added' }, link(a)))),
    list('Removed', 'd-removed', removed.map((r) => h('li', { class: 'd-removed' }, r))),
    list('Changed', 'd-changed', changed.map((c) => {
      const id = packages.find((p) => p.name === c.name && p.ecosystem === c.ecosystem)?.id;
      const parts: (string | HTMLElement)[] = [id !== undefined ? pkgLink(id, c.name) : c.name, ` ${c.ecosystem}: `,
        `${c.old_versions.join(', ') || '—'} → ${c.new_versions.join(', ') || '—'}`];
      if (c.requirements_added.length) parts.push(h('span', { class: 'd-added' }, ` +${c.requirements_added.join(', +')}`));
      if (c.requirements_removed.length) parts.push(h('span', { class: 'd-removed' }, ` −${c.requirements_removed.join(', −')}`));
      return h('li', {}, ...parts);
    })),
  );
}

/** Loads the old side of the diff view; the current set stays. */
async function loadOld(source: Source | Promise<Source>, label: string): Promise<void> {
  if (!state.loaded) {
    showError('Load the new side first (drop a folder above): the old side is compared with it.');
    return;
  }
  showError(null);
  $('diff-result').replaceChildren(h('p', { class: 'muted' }, 'Reading the old side…'));
  try {
    const list = await source;
    if (Array.isArray(list)) {
      const chosen = await engine.call('select', { names: list.map((f) => f.name) });
      const done = engine.call('parseOld', { total: chosen.length, label });
      for (let i = 0; i < chosen.length; i += 64) {
        engine.send({ control: 'files', files: chosen.slice(i, i + 64).map((k) => list[k]) });
        if (i + 64 < chosen.length) await yieldToPage();
      }
      engine.send({ control: 'end' });
      await done;
    } else {
      await engine.call('parseOldHandles', { roots: list.roots, label });
    }
  } catch (err) {
    showError(err instanceof Error ? err.message : String(err));
  }
  if (parseRoute().view === 'diff') render();
  else location.hash = '#/diff';
}

/** How the old side is called: its folder, its one file, or how many files. */
const labelOf = (files: FileList): string => {
  const path = files[0].webkitRelativePath;
  if (path) return path.split('/')[0];
  return files.length === 1 ? files[0].name : `${fmt.format(files.length)} files`;
};
for (const id of ['diff-folder-input', 'diff-file-input']) {
  const input = $<HTMLInputElement>(id);
  input.addEventListener('change', () => {
    if (input.files && input.files.length) void loadOld(fromFileList(input.files), labelOf(input.files));
    input.value = '';
  });
}
$('diff-keep').addEventListener('click', async () => {
  if (!state.loaded) {
    showError('No package set yet to keep.');
    return;
  }
  await engine.call('keepAsOld', { label: 'the kept set' });
  $('diff-result').replaceChildren(h('p', { class: 'ok', role: 'status' }, 'Kept. Now load the new side (drop a folder above): this view then shows what changed.'));
});
const diffDrop = $('diff-drop');
diffDrop.addEventListener('dragover', (e) => {
  e.preventDefault();
  e.stopPropagation();
  diffDrop.classList.add('over');
});
diffDrop.addEventListener('dragleave', () => diffDrop.classList.remove('over'));
diffDrop.addEventListener('drop', (e) => {
  e.preventDefault();
  e.stopPropagation();
  diffDrop.classList.remove('over');
  if (!e.dataTransfer) return;
  const dropped = captureDrop(e.dataTransfer);
  const label = dropped.entries.length === 1 ? dropped.entries[0].name : dropped.loose.length === 1 ? dropped.loose[0].name : 'the dropped files';
  void loadOld((async (): Promise<Source> => {
    const roots = await droppedHandles(dropped);
    return roots ? { roots } : fromDropped(dropped, () => {});
  })(), label);
});

// ---------------------------------------------------------------- go

refreshTable();
render();
const startup: Promise<void> | null = start().catch((err: unknown) => {
  $('engine').textContent = 'The engine failed to start';
  showError(`pkglens failed to start: ${err instanceof Error ? err.message : String(err)}`);
  document.body.dataset.engine = 'failed';
});
