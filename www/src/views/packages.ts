// The packages view: the set's packages in a virtual table, sorted and filtered.
import type { SetPackage } from 'pkglens';
import { $, fmt } from '../dom';
import { sortPackages, type SortSpec } from '../order';
import { app } from '../state';
import { VirtualTable } from '../table';
import { explainEmpty } from './empty';

let table: VirtualTable<SetPackage> | null = null;
let sortKey = 'name';
let sortDir: 1 | -1 = 1;
let sortCache: { key: string; dir: number; ids: SetPackage[] } | null = null;

/**
 * Takes the rows in the order `sort` gave them (the worker sorts a checked set for the table),
 * or forgets the order (null: the rows changed).
 */
export function setSorted(sort: SortSpec | null, rows: SetPackage[] = []): void {
  sortCache = sort ? { key: sort.key, dir: sort.dir, ids: rows } : null;
}

function sorted(): SetPackage[] {
  // While a large load is read, rows stay in arrival order: sorting them every time new rows
  // come would cost the page's thread hundreds of ms a time. They are sorted once checked.
  if (app.partial && app.packages.length > 2000) return app.packages;
  if (sortCache && sortCache.key === sortKey && sortCache.dir === sortDir) return sortCache.ids;
  const ids = sortPackages(app.packages, app.problemCounts, tableSort());
  sortCache = { key: sortKey, dir: sortDir, ids };
  return ids;
}

/** The table's current order, which the worker sorts a checked set in. */
export function tableSort(): SortSpec {
  return { key: sortKey, dir: sortDir };
}

export function refreshTable(): void {
  if (!table) return;
  const text = $<HTMLInputElement>('filter-text').value.trim().toLowerCase();
  const eco = $<HTMLSelectElement>('filter-eco').value;
  const prob = $<HTMLSelectElement>('filter-problems').value;
  const rows = sorted().filter((p) =>
    (!eco || p.ecosystem === eco) &&
    (!prob || (prob === 'with') === app.problemCounts[p.id] > 0) &&
    (!text || p.name.toLowerCase().includes(text) || p.path.toLowerCase().includes(text)));
  table.setRows(rows);
  $('shown').textContent = app.packages.length
    ? `${fmt.format(rows.length)} of ${fmt.format(app.packages.length)} packages`
    : '';
  $('empty').hidden = app.packages.length > 0;
  if (app.packages.length === 0 && !app.partial) void explainEmpty();
  $('table-host').hidden = app.packages.length === 0;
}

/** Focuses the table, on its active row (the one last opened, after Back). */
export function focusTable(): void {
  if (table && !$('table-host').hidden) table.focus();
}

export function setupPackages(): void {
  table = new VirtualTable<SetPackage>(
    [
      { key: 'ecosystem', label: 'Ecosystem', text: (p) => p.ecosystem, className: 'c-eco' },
      { key: 'name', label: 'Name', text: (p) => p.name, className: 'c-name' },
      { key: 'version', label: 'Version', text: (p) => p.version, className: 'c-version' },
      { key: 'requires', label: 'Requires', text: (p) => String(p.requires), numeric: true, className: 'c-req' },
      { key: 'problems', label: 'Problems', text: (p) => (app.problemCounts[p.id] ? String(app.problemCounts[p.id]) : ''), numeric: true, className: 'c-prob' },
      { key: 'path', label: 'File', text: (p) => p.path, className: 'c-path' },
    ],
    'Packages',
  );
  $('table-host').append(table.element);
  table.setSort(sortKey, sortDir);
  table.onsort = (key, dir) => {
    sortKey = key;
    sortDir = dir;
    refreshTable();
  };
  table.onopen = (p) => {
    // Rows shown while a load is read are not in a set yet: they open once it is checked.
    if (!app.partial) location.hash = `#/package/${p.id}`;
  };

  // The skip link: from the top of the page to the table in one key press, not twenty Tabs.
  $('skip-table').addEventListener('click', (e) => {
    e.preventDefault();
    if (!location.hash.startsWith('#/packages')) location.hash = '#/packages';
    requestAnimationFrame(() => (app.packages.length ? focusTable() : $('view-packages').focus()));
  });

  let filterTimer = 0;
  $('filter-text').addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = window.setTimeout(refreshTable, 120);
  });
  $('filter-eco').addEventListener('change', refreshTable);
  $('filter-problems').addEventListener('change', refreshTable);
}
