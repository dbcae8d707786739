// The page's side of the worker: typed calls that resolve with the worker's answers.
import type { SetPackage } from 'pkglens';
import type { Control, Method, Methods, Progress, Request, WorkerEvent } from './protocol';

export class Engine {
  #worker: Worker;
  #next = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  onprogress: (p: Progress) => void = () => {};
  onrows: (rows: SetPackage[]) => void = () => {};
  onfailure: (message: string) => void = () => {};

  constructor() {
    this.#worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'pkglens' });
    this.#worker.onmessage = (event: MessageEvent<WorkerEvent>) => {
      const data = event.data;
      if ('event' in data) {
        if (data.event === 'progress') this.onprogress(data.progress);
        else this.onrows(data.rows);
        return;
      }
      const pending = this.#pending.get(data.rid);
      if (!pending) return;
      this.#pending.delete(data.rid);
      if (data.ok) pending.resolve(data.value);
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
