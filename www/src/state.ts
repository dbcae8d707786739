// What the page holds: the engine (the parsing worker's client), the checked set's rows and
// problems as the worker handed them over, and what the test harness reads from the console.
import type { SetPackage } from 'pkglens';
import { Engine } from './client';
import type { LinkedProblem, Loaded, Ready } from './protocol';

/** What the test harness and a curious person can read from the console. */
export interface AppState {
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
export const state: AppState = { ready: null, loaded: null, timeToRowsMs: null, timeToTableMs: null, timings: {}, loads: 0, source: null, slowest: {} };
(window as unknown as { pkglens: AppState }).pkglens = state;

export const engine = new Engine();

/** The page's share of the set, and of the load under way. */
export const app = {
  /** Whether a load is under way. */
  busy: false,
  packages: [] as SetPackage[],
  problems: [] as LinkedProblem[],
  problemCounts: [] as number[],
  /** Rows arrive while a load is read; they are replaced by the checked set's when it is done. */
  partial: false,
  loadStarted: 0,
  /** The engine's start, which a load waits for. */
  startup: null as Promise<void> | null,
};

/** Package ids by file and `name version` (graph nodes name packages so), made when first needed. */
let byKeyCache: Map<string, number> | null = null;
export function byKey(): Map<string, number> {
  byKeyCache ??= new Map(app.packages.map((p) => [`${p.path}\n${p.name} ${p.version}`, p.id]));
  return byKeyCache;
}
/** Forgets `byKey` (the packages changed). */
export function forgetKeys(): void {
  byKeyCache = null;
}

/** Notes how long a piece of work on this thread took, keeping the longest of each kind. */
export function took(work: string, since: number): void {
  state.slowest[work] = Math.max(state.slowest[work] ?? 0, performance.now() - since);
}
