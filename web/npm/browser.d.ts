export * from './types.js';
import type { Pkglens } from './types.js';

/** Loads pkglens: the threaded build on cross-origin-isolated pages, the single build otherwise. */
export declare function load(options?: { threads?: number; build?: 'single' | 'threads' }): Promise<Pkglens>;
