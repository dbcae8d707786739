// Package names typed by a person (the graph's root, the why view's name): the names offered
// while typing, and the package a name means.
import { $, h } from '../dom';
import { naturalCompare } from '../order';
import { app, engine, state } from '../state';

/** The names offered while typing a package name, filled when such a field is first used. */
let namesStale = true;
/** Offers the names afresh when next used (the set changed). */
export function forgetNames(): void {
  namesStale = true;
}
function fillNames(): void {
  if (!namesStale) return;
  namesStale = false;
  const names = [...new Set(app.packages.map((p) => p.name))].sort();
  $('package-names').replaceChildren(...names.map((name) => h('option', { value: name })));
}

/** The package to centre on for a name typed by a person: the engine's lookup, then any match. */
export async function findPackage(name: string): Promise<number | undefined> {
  const wanted = name.trim();
  if (!wanted || !state.loaded) return undefined;
  const ids = await engine.call('find', { name: wanted });
  // Of several versions, the newest.
  if (ids.length) return ids.reduce((a, b) => (naturalCompare(app.packages[b].version, app.packages[a].version) > 0 ? b : a));
  // rez names are case-sensitive; a person may not know how one is written.
  const lower = wanted.toLowerCase();
  const same = app.packages.filter((p) => p.name.toLowerCase() === lower);
  return same.length ? same.reduce((a, b) => (naturalCompare(b.version, a.version) > 0 ? b : a)).id : undefined;
}

export function setupNames(): void {
  for (const id of ['graph-root', 'why-name']) $(id).addEventListener('focus', fillNames);
}
