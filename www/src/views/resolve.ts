// The resolve view: rez requests typed as `rez env` takes them, resolved over the loaded rez
// repository by the worker (`PackageSet.resolve`, the CLI's `pkglens resolve`): the resolved
// packages and their graph, or why the resolve failed; the resolve graph exported as the CLI's
// `--format dot` and `--format mermaid` print it.
import type { Graph, ResolveReport, SetPackage } from 'pkglens';
import type { Drawn } from '../graph';
import type { PackageFilterOption } from '../protocol';
import { $, download, fmt, h, prose } from '../dom';
import type { ResolveArgs } from '../protocol';
import { render } from '../router';
import { isCurrent, parseRoute } from '../routes';
import { app, engine, state } from '../state';

let drawn: Drawn | null = null;
/** The resolve on show: what its exports resolve again. */
let shown: ResolveArgs | null = null;

/** Takes the resolve's drawing down (a new resolve, or the view is left). */
export function dropResolveGraph(): void {
  drawn?.destroy();
  drawn = null;
}

/**
 * The rez repositories the loaded files hold, in the order first met: the folder above each rez
 * package's family folder (`<repo>/<family>/<version>/package.py`, or `<repo>/<family>/package.py`).
 */
export function rezRepositories(packages: SetPackage[]): string[] {
  const repos = new Set<string>();
  for (const p of packages) {
    if (p.ecosystem !== 'rez') continue;
    const parts = p.path.split('/');
    const family = parts.lastIndexOf(p.name, parts.length - 2);
    if (family >= 0) repos.add(parts.slice(0, family).join('/'));
  }
  return [...repos];
}

export async function renderResolve(request: string | undefined, token: number): Promise<void> {
  const out = $('resolve-result');
  const input = $<HTMLInputElement>('resolve-request');
  const reposInput = $<HTMLInputElement>('resolve-repos');
  if (request !== undefined) input.value = request;
  dropResolveGraph();
  shown = null;
  if (!state.loaded) {
    out.replaceChildren(h('p', { class: 'empty' }, 'No package set yet: drop a rez repository above.'));
    return;
  }
  if (!reposInput.value.trim()) reposInput.value = rezRepositories(app.packages).join(':');
  const requests = (request ?? '').split(/\s+/).filter(Boolean);
  if (!requests.length) {
    out.replaceChildren(h('p', { class: 'muted' }, 'Type a request as rez env takes it (usd-24 python-3.11, ~weak, !conflict): the packages rez would resolve, or why it fails.'));
    return;
  }
  const repos = reposInput.value.split(':').map((r) => r.trim());
  // `rez env --time`: empty is none; a time rez does not take is the package's error, said below.
  const time = $<HTMLInputElement>('resolve-time').value.trim();
  // rez's package_orderers, as an `--orderers` file holds them; blank is none.
  const orderersText = $<HTMLTextAreaElement>('resolve-orderers').value;
  const orderers = orderersText.trim() ? orderersText : undefined;
  out.replaceChildren(h('p', { class: 'muted', role: 'status' }, `Resolving ${requests.join(' ')}…`));
  let report: ResolveReport;
  let packageFilter: PackageFilterOption | undefined;
  try {
    packageFilter = packageFilterOf($<HTMLInputElement>('resolve-filter').value);
    report = await engine.call('resolve', { requests, repos, time, orderers, packageFilter });
  } catch (err) {
    if (!isCurrent(token)) return;
    out.replaceChildren(h('p', { class: 'error', role: 'alert' }, ...prose(err instanceof Error ? err.message : String(err))));
    return;
  }
  if (!isCurrent(token)) return;
  // The time as resolved (a relative one is fixed now), so an export later draws this resolve.
  shown = { requests, repos, time: report.requested_timestamp?.toString(), orderers, packageFilter };
  if (report.status === 'solved') await showSolved(out, report);
  else if (report.status === 'failed') showFailed(out, report);
  else out.replaceChildren(h('h2', { id: 'resolve-title' }, 'Resolve error'), exportButtons(), h('p', { class: 'error', role: 'alert' }, ...prose(report.error ?? '')));
}

/**
 * The package filter field as the `packageFilter` option: empty is none; JSON (a filter, or a
 * list of them, as `--package-filter filter.json` holds it) when it starts as JSON does, else
 * a rezconfig.py's text. Bad JSON throws, in the parser's words.
 */
function packageFilterOf(text: string): PackageFilterOption | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (/^[[{]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as PackageFilterOption;
    } catch (err) {
      throw new Error(`package filter: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return text;
}

/** The resolve graph's text in `syntax`, byte for byte the CLI's `resolve --format dot|mermaid`; null with no resolve on show. */
export async function resolveGraphText(syntax: 'dot' | 'mermaid'): Promise<string | null> {
  return shown ? engine.call('resolveGraph', { ...shown, syntax }) : null;
}

/** Saves the resolve graph on show as a file. */
async function exportGraph(syntax: 'dot' | 'mermaid'): Promise<void> {
  const text = await resolveGraphText(syntax);
  if (text === null) return;
  if (syntax === 'dot') download('resolve.dot', text, 'text/vnd.graphviz');
  else download('resolve.mmd', text, 'text/plain');
}

/** The export buttons of the resolve on show (a solved or failed one, or rez's error). */
function exportButtons(): HTMLElement {
  const button = (syntax: 'dot' | 'mermaid', label: string) => {
    const b = h('button', { type: 'button', id: `resolve-export-${syntax}` }, label);
    b.addEventListener('click', () => void exportGraph(syntax));
    return b;
  };
  return h('p', { class: 'resolve-exports', role: 'group', 'aria-label': 'Export the resolve graph' },
    button('dot', 'Export DOT'), ' ', button('mermaid', 'Export Mermaid'));
}

async function showSolved(out: HTMLElement, report: ResolveReport): Promise<void> {
  const packages = report.packages ?? [];
  const rows = packages.map((p) => h('tr', {},
    h('td', {}, p.name), h('td', {}, p.version), h('td', {}, p.variant === null ? '–' : String(p.variant)), h('td', { class: 'path' }, p.path)));
  const canvas = h('div', { id: 'resolve-graph', class: 'graph-canvas', role: 'img', 'aria-label': 'Resolve graph: what required each package' });
  out.replaceChildren(
    h('h2', { id: 'resolve-title' }, `Resolved ${fmt.format(packages.length)} ${packages.length === 1 ? 'package' : 'packages'}`),
    exportButtons(),
    h('p', { class: 'muted' }, `${fmt.format(report.solves ?? 0)} solves, ${fmt.format(report.fails ?? 0)} failed phases, ${fmt.format(report.families_read)} families read.`),
    shown?.packageFilter === undefined ? '' : h('p', { id: 'resolve-filter-note', class: 'muted' }, 'Packages the package filter excludes left out.'),
    report.requested_timestamp === undefined ? ''
      : h('p', { id: 'resolve-time-note', class: 'muted' }, `Packages released after ${epochText(report.requested_timestamp)} left out.`),
    orderersNote(report),
    h('table', { class: 'graph-edges resolved', 'aria-label': 'Resolved packages, dependencies first' },
      h('thead', {}, h('tr', {}, ...['Name', 'Version', 'Variant', 'Path'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', { id: 'resolve-packages' }, ...rows)),
    (report.ephemerals ?? []).length ? h('p', {}, 'Ephemerals: ', ...(report.ephemerals ?? []).map((e) => h('code', {}, `${e} `))) : '',
    canvas,
  );
  const { drawGraph } = await import('../graph');
  drawn = drawGraph(canvas, graphOf(report), new Set(['request']), () => {});
}

/** The orderers the resolve was given, as rez's context records them; nothing without any. */
function orderersNote(report: ResolveReport): HTMLElement | '' {
  const orderers = report.package_orderers;
  if (!orderers?.length) return '';
  const named = orderers.map((o) => o.type === 'per_family'
    ? `per_family (${(o.orderers ?? []).map((inner) => `${inner.type}: ${[inner.packages ?? []].flat().join(', ')}`).join('; ')})`
    : `${o.type}: ${[o.packages ?? []].flat().join(', ')}`);
  return h('p', { id: 'resolve-orderers-note', class: 'muted' }, `Versions tried in the order of ${named.join('; ')}.`);
}

/** An epoch time as a person reads it, with the number (a time beyond a JS date's range: the number alone). */
function epochText(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : `${date.toISOString()} (${seconds})`;
}

/** The resolve as the graph view draws a graph: the request, then each package below what required it. */
function graphOf(report: ResolveReport): Graph {
  const packages = report.packages ?? [];
  return {
    nodes: [
      { id: 'request', name: 'request', version: '', ecosystem: 'file', path: '', missing: false },
      ...packages.map((p) => ({
        id: p.name, name: p.name, version: p.variant === null ? p.version : `${p.version}[${p.variant}]`, ecosystem: 'rez' as const, path: p.path, missing: false,
      })),
    ],
    edges: packages.flatMap((p) => p.requested_by.map((r) => ({
      from: r.by ?? 'request', to: p.name, requirement: r.requirement, spec: '', status: 'satisfied' as const, kind: 'run' as const,
    }))),
    roots: ['request'],
    reverse: false,
  };
}

function showFailed(out: HTMLElement, report: ResolveReport): void {
  const failure = report.failure!;
  out.replaceChildren(
    h('h2', { id: 'resolve-title' }, 'Resolve failed'),
    exportButtons(),
    h('p', { id: 'resolve-reason', class: 'error' }, failure.description),
    h('p', {}, 'How each requirement involved came to be:'),
    h('ol', { id: 'resolve-chains', class: 'chains' },
      ...failure.chains.map((chain) => h('li', {}, ['request', ...chain].join(' → ')))),
  );
}

export function setupResolve(): void {
  $('resolve-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const request = $<HTMLInputElement>('resolve-request').value.trim().replace(/\s+/g, ' ');
    location.hash = `#/resolve/${encodeURIComponent(request)}`;
    if (parseRoute().view === 'resolve') render();
  });
}
