export * from './types.js';
import type { Pkglens } from './types.js';

/**
 * Loads pkglens: the threaded build on cross-origin-isolated pages, the single build otherwise
 * (also, with a console warning, when the thread pool does not start within
 * `threadStartTimeout` milliseconds, 10,000 by default).
 */
export declare function load(options?: { threads?: number; build?: 'single' | 'threads'; threadStartTimeout?: number }): Promise<Pkglens>;
