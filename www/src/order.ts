// The package table's order, shared by the page and the worker: the worker sorts a checked set
// before handing it over (its thread is free then; sorting 18,000 rows costs the page's thread
// 50 to 100 ms), and the page sorts again only when a person picks another column.
import type { SetPackage } from 'pkglens';

/** How the table is sorted: a column key and a direction. */
export interface SortSpec {
  key: string;
  dir: 1 | -1;
}

/** Compares versions (or any text) with runs of digits compared as numbers. */
export function naturalCompare(a: string, b: string): number {
  return splitCompare(a.split(/(\d+)/), b.split(/(\d+)/));
}

/** `naturalCompare` of texts already split into text and digit runs. */
export function splitCompare(x: string[], y: string[]): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    if (i % 2 === 1) return Number(x[i]) - Number(y[i]) || x[i].length - y[i].length;
    return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * `packages` (each at index `id`) in the table's order for `sort`: the column, then the name,
 * the version and the id, so the order is total and the same on both threads.
 */
export function sortPackages(packages: SetPackage[], problemCounts: number[], sort: SortSpec): SetPackage[] {
  // Keys computed once, not in each of the n log n comparisons (18,000 rows: 0.3 s less).
  const lower = packages.map((p) => p.name.toLowerCase());
  const versions = packages.map((p) => p.version.split(/(\d+)/));
  const count = (p: SetPackage) => problemCounts[p.id] ?? 0;
  const byVersion = (a: SetPackage, b: SetPackage) => splitCompare(versions[a.id], versions[b.id]);
  const cmp: { [key: string]: (a: SetPackage, b: SetPackage) => number } = {
    ecosystem: (a, b) => (a.ecosystem < b.ecosystem ? -1 : a.ecosystem > b.ecosystem ? 1 : 0),
    name: (a, b) => (lower[a.id] < lower[b.id] ? -1 : lower[a.id] > lower[b.id] ? 1 : 0),
    version: byVersion,
    requires: (a, b) => a.requires - b.requires,
    problems: (a, b) => count(a) - count(b),
    path: (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  };
  const primary = cmp[sort.key] ?? cmp.name;
  return packages.slice().sort((a, b) =>
    sort.dir * primary(a, b) || cmp.name(a, b) || byVersion(a, b) || a.id - b.id);
}
