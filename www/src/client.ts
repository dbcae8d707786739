// The page's side of the worker: typed calls that resolve with the worker's answers.
import type { SetPackage } from 'pkglens';
import type { Control, IndexStep, LinkedProblem, Method, Methods, Progress, Request, SlicedLoaded, WorkerEvent } from './protocol';

/**
 * A parse whose worker posts nothing for this long is taken as a stopped engine (a trap on one
 * of the threaded build's pool workers leaves the worker that waits for it blocked for ever).
 * While its thread is free (reading files) the worker posts `alive` every second: the wait
 * counts only time blocked in the engine, one window's parse (under a second for 512 files).
 */
const STALLED_MS = 60_000;

export class Engine {
  #worker!: Worker;
  #next = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; method: Method }>();
  /** Slices of the checked set the next `SlicedLoaded` answer stands for, as they arrive. */
  #slices: { packages: SetPackage[]; problemCounts: number[]; problems: LinkedProblem[] } = { packages: [], problemCounts: [], problems: [] };
  /** The `init` call's arguments, made again in a replacement worker. */
  #init: Parameters<Methods['init']>[0] | null = null;
  /** Settles when a replacement worker has started; messages wait for it, in order. */
  #ready: Promise<unknown> = Promise.resolve();
  /** When the worker last posted anything. */
  #heard = performance.now();
  #watchdog: ReturnType<typeof setInterval> | null = null;
  /** Replacements since the last answer: a worker that cannot start is not replaced forever. */
  #restarts = 0;
  onprogress: (p: Progress) => void = () => {};
  onrows: (rows: SetPackage[]) => void = () => {};
  onindex: (step: IndexStep) => void = () => {};
  onfailure: (message: string) => void = () => {};
  /** Told when the worker was replaced: its set is gone, and `reason` says why. */
  onrestart: (reason: string) => void = () => {};
  /** `STALLED_MS`, or the page address's `?stall=` (milliseconds: the tests' shorter wait). */
  stalledMs = Number(new URLSearchParams(location.search).get('stall')) || STALLED_MS;

  constructor() {
    this.#start();
  }

  #start(): void {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'pkglens' });
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<WorkerEvent>) => {
      if (worker !== this.#worker) return;
      this.#heard = performance.now();
      const data = event.data;
      if ('event' in data) {
        if (data.event === 'alive') return;
        if (data.event === 'progress') this.onprogress(data.progress);
        else if (data.event === 'rows') this.onrows(data.rows);
        else if (data.event === 'index') this.onindex(data.step);
        else {
          // Each slice is a task of its own on this thread: taking the whole set in one
          // message cost it 0.15 to 0.32 s (18,226 rows, docs/benchmarks.md).
          const into = this.#slices;
          for (const p of data.packages) into.packages.push(p);
          for (const n of data.problemCounts) into.problemCounts.push(n);
          for (const p of data.problems) into.problems.push(p);
        }
        return;
      }
      let value = data.ok ? data.value : undefined;
      if (value && typeof value === 'object' && (value as Partial<SlicedLoaded>).sliced === true) {
        value = { ...(value as SlicedLoaded), ...this.#slices };
        this.#slices = { packages: [], problemCounts: [], problems: [] };
      }
      const pending = this.#pending.get(data.rid);
      if (!pending) return;
      this.#pending.delete(data.rid);
      if (data.ok) {
        this.#restarts = 0;
        pending.resolve(value);
      } else if (data.fatal) {
        pending.reject(new Error(`${data.error}; the engine was restarted: load the files again`));
        this.#restart(data.error);
      } else pending.reject(new Error(data.error));
    };
    worker.onerror = (event) => {
      if (worker !== this.#worker) return;
      const message = event.message || 'the parsing worker failed';
      const busy = this.#pending.size > 0;
      for (const p of this.#pending.values()) p.reject(new Error(message));
      this.#pending.clear();
      this.onfailure(message);
      if (busy) this.#restart(message);
    };
  }

  /**
   * Replaces the worker: pending calls fail, a new worker starts (and is initialised as the
   * last one was) before any later message is posted, and the page is told (`onrestart`).
   */
  #restart(reason: string): void {
    const again = this.#restarts++ < 3; // not when it keeps failing: the error stays shown
    for (const p of this.#pending.values()) p.reject(new Error(again ? `${reason}; the engine was restarted` : reason));
    this.#pending.clear();
    if (!again) return;
    this.#worker.terminate();
    this.#slices = { packages: [], problemCounts: [], problems: [] };
    this.#start();
    const init = this.#init;
    this.#ready = init ? this.#post('init', init).catch(() => undefined) : Promise.resolve();
    this.onrestart(reason);
  }

  /** Fails the pending parse and replaces the worker when it has posted nothing for too long. */
  #watch(): void {
    if (this.#watchdog !== null) return;
    this.#watchdog = setInterval(() => {
      const parsing = [...this.#pending.values()].some((p) => PARSES.has(p.method));
      if (!parsing) {
        clearInterval(this.#watchdog as ReturnType<typeof setInterval>);
        this.#watchdog = null;
      } else if (performance.now() - this.#heard > this.stalledMs) {
        this.#restart(`the engine stopped answering for ${Math.round(this.stalledMs / 1000)} s`);
      }
    }, 1000);
  }

  #post<M extends Method>(method: M, args: Parameters<Methods[M]>[0]): Promise<ReturnType<Methods[M]>> {
    const rid = this.#next++;
    const request: Request<M> = { rid, method, args };
    return new Promise((resolve, reject) => {
      this.#pending.set(rid, { resolve: resolve as (v: unknown) => void, reject, method });
      this.#worker.postMessage(request);
    });
  }

  /** Calls `method` in the worker (after a replacement worker has started, if one is). */
  call<M extends Method>(method: M, args: Parameters<Methods[M]>[0]): Promise<ReturnType<Methods[M]>> {
    if (method === 'init') this.#init = args as Parameters<Methods['init']>[0];
    if (PARSES.has(method)) {
      this.#heard = performance.now();
      this.#watch();
    }
    return this.#ready.then(() => this.#post(method, args));
  }

  cancel(): void {
    this.send({ control: 'cancel' });
  }

  /** Posts a control message, after the calls made before it. */
  send(control: Control): void {
    void this.#ready.then(() => this.#worker.postMessage(control));
  }
}

/** The calls that parse files, which the watchdog watches. */
const PARSES = new Set<Method>(['parse', 'parseHandles', 'parseOld', 'parseOldHandles']);
