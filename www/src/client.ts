// The page's side of the worker: typed calls that resolve with the worker's answers.
import type { SetPackage } from 'pkglens';
import type { Control, IndexStep, LinkedProblem, Method, Methods, Progress, Request, SlicedLoaded, WorkerEvent } from './protocol';

export class Engine {
  #worker: Worker;
  #next = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Slices of the checked set the next `SlicedLoaded` answer stands for, as they arrive. */
  #slices: { packages: SetPackage[]; problemCounts: number[]; problems: LinkedProblem[] } = { packages: [], problemCounts: [], problems: [] };
  onprogress: (p: Progress) => void = () => {};
  onrows: (rows: SetPackage[]) => void = () => {};
  onindex: (step: IndexStep) => void = () => {};
  onfailure: (message: string) => void = () => {};

  constructor() {
    this.#worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'pkglens' });
    this.#worker.onmessage = (event: MessageEvent<WorkerEvent>) => {
      const data = event.data;
      if ('event' in data) {
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
      if (data.ok) pending.resolve(value);
      else pending.reject(new Error(data.error));
    };
    this.#worker.onerror = (event) => {
      const message = event.message || 'the parsing worker failed';
      for (const p of this.#pending.values()) p.reject(new Error(message));
      this.#pending.clear();
      this.onfailure(message);
    };
  }

  call<M extends Method>(method: M, args: Parameters<Methods[M]>[0]): Promise<ReturnType<Methods[M]>> {
    const rid = this.#next++;
    const request: Request<M> = { rid, method, args };
    return new Promise((resolve, reject) => {
      this.#pending.set(rid, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage(request);
    });
  }

  cancel(): void {
    this.send({ control: 'cancel' });
  }

  send(control: Control): void {
    this.#worker.postMessage(control);
  }
}
