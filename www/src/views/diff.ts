// The diff view: what changed from an old side (loaded here, or the set kept) to the current set.
import { $, fmt, h, showError } from '../dom';
import { captureDrop, droppedHandles, fromDropped, fromFileList } from '../inputs';
import { yieldToPage, type Source } from '../load';
import { render } from '../router';
import { isCurrent, parseRoute } from '../routes';
import { app, engine, state } from '../state';
import { pkgLink } from './links';

export async function renderDiff(token: number): Promise<void> {
  const out = $('diff-result');
  if (!state.loaded) {
    out.replaceChildren(h('p', { class: 'empty' }, 'No package set yet: load the new side first (drop a folder above).'));
    return;
  }
  const d = await engine.call('diff', {});
  if (!isCurrent(token)) return;
  if (!d) {
    out.replaceChildren(h('p', { class: 'muted' }, 'No old side yet: choose or drop one above, or keep the current set and then load the new one.'));
    return;
  }
  const { added, removed, changed } = d.diff;
  const link = (labelText: string) => (d.ids[labelText] !== undefined ? pkgLink(d.ids[labelText], labelText) : h('span', {}, labelText));
  const section = (title: string, cls: string, count: number, body: HTMLElement | null) =>
    h('section', { class: `diff-section ${cls}`, 'aria-label': title },
      h('h3', {}, `${title} `, h('span', { class: 'count' }, fmt.format(count))),
      body ?? h('p', { class: 'muted' }, 'None.'));
  const list = (cls: string, items: string[], make: (item: string) => Node) =>
    items.length ? capped(h('ul', {}), items, (item) => h('li', { class: cls }, make(item))) : null;
  const byName = new Map(app.packages.map((p) => [`${p.ecosystem}\n${p.name}`, p.id]));
  const lines = (items: string[], prefix: string) => h('ul', { class: 'cell-list' }, ...items.map((i) => h('li', {}, `${prefix}${i}`)));
  const table = changed.length
    ? h('table', { class: 'data diff-changed' },
      h('thead', {}, h('tr', {}, ...['Package', 'Ecosystem', 'Old versions', 'New versions', 'Requirements added', 'Requirements removed']
        .map((t) => h('th', { scope: 'col' }, t)))),
      capped(h('tbody', {}), changed, (c) => {
        const id = byName.get(`${c.ecosystem}\n${c.name}`);
        return h('tr', {},
          h('th', { scope: 'row' }, id !== undefined ? pkgLink(id, c.name) : c.name),
          h('td', {}, c.ecosystem),
          h('td', {}, lines(c.old_versions.length ? c.old_versions : ['—'], '')),
          h('td', {}, lines(c.new_versions.length ? c.new_versions : ['—'], '')),
          h('td', { class: 'd-added' }, lines(c.requirements_added, '+')),
          h('td', { class: 'd-removed' }, lines(c.requirements_removed, '−')));
      }))
    : null;
  out.replaceChildren(
    h('h2', { id: 'diff-title' }, `From ${d.old.label} (${fmt.format(d.old.packages)} packages) to the current set (${fmt.format(d.current.packages)} packages)`),
    section('Added', 'd-added', added.length, list('d-added', added, link)),
    section('Removed', 'd-removed', removed.length, list('d-removed', removed, (r) => document.createTextNode(r))),
    section('Changed', 'd-changed', changed.length, table),
  );
}

/** Rows shown at first in a list of the diff, and added by each "Show more". */
const DIFF_SHOWN = 200;

/**
 * `parent` filled with the first rows of `items`, and a "Show more" after it while there are
 * more: 18,000 changed packages are not 18,000 rows at once.
 */
function capped<T, P extends HTMLElement>(parent: P, items: T[], make: (item: T) => HTMLElement): P {
  let shown = 0;
  const more = h('button', { type: 'button', class: 'show-more' });
  const next = () => {
    parent.append(...items.slice(shown, shown + DIFF_SHOWN).map(make));
    shown = Math.min(items.length, shown + DIFF_SHOWN);
    more.textContent = `Show more (${fmt.format(shown)} of ${fmt.format(items.length)} shown)`;
    if (shown >= items.length) more.remove();
  };
  more.addEventListener('click', next);
  next();
  if (shown < items.length) queueMicrotask(() => parent.closest('section')?.append(more));
  return parent;
}

/** Loads the old side of the diff view; the current set stays. */
async function loadOld(source: Source | Promise<Source>, label: string): Promise<void> {
  if (!state.loaded) {
    showError('Load the new side first (drop a folder above): the old side is compared with it.');
    return;
  }
  showError(null);
  $('diff-result').replaceChildren(h('p', { class: 'muted' }, 'Reading the old side…'));
  try {
    const list = await source;
    if (Array.isArray(list)) {
      const chosen = await engine.call('select', { names: list.map((f) => f.name) });
      const done = engine.call('parseOld', { total: chosen.length, label });
      for (let i = 0; i < chosen.length; i += 64) {
        engine.send({ control: 'files', files: chosen.slice(i, i + 64).map((k) => list[k]) });
        if (i + 64 < chosen.length) await yieldToPage();
      }
      engine.send({ control: 'end' });
      await done;
    } else {
      await engine.call('parseOldHandles', { roots: list.roots, label });
    }
    finishProgress(`Read the old side (${label}).`);
  } catch (err) {
    $('progress').hidden = true;
    showError(err instanceof Error ? err.message : String(err));
  }
  if (parseRoute().view === 'diff') render();
  else location.hash = '#/diff';
}

/** The progress line once the old side is read: the worker's last word was "checking the set". */
function finishProgress(text: string): void {
  const bar = $<HTMLProgressElement>('progress-bar');
  bar.max = 1;
  bar.value = 1;
  $('progress-text').textContent = text;
  $<HTMLButtonElement>('cancel').hidden = true;
}

/** How the old side is called: its folder, its one file, or how many files. */
const labelOf = (files: FileList): string => {
  const path = files[0].webkitRelativePath;
  if (path) return path.split('/')[0];
  return files.length === 1 ? files[0].name : `${fmt.format(files.length)} files`;
};

export function setupDiff(): void {
  for (const id of ['diff-folder-input', 'diff-file-input']) {
    const input = $<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      if (input.files && input.files.length) void loadOld(fromFileList(input.files), labelOf(input.files));
      input.value = '';
    });
  }
  $('diff-keep').addEventListener('click', async () => {
    if (!state.loaded) {
      showError('No package set yet to keep.');
      return;
    }
    await engine.call('keepAsOld', { label: 'the kept set' });
    $('diff-result').replaceChildren(h('p', { class: 'ok', role: 'status' }, 'Kept. Now load the new side (drop a folder above): this view then shows what changed.'));
  });
  const diffDrop = $('diff-drop');
  diffDrop.addEventListener('dragover', (e) => {
    e.preventDefault();
    e.stopPropagation();
    diffDrop.classList.add('over');
  });
  diffDrop.addEventListener('dragleave', () => diffDrop.classList.remove('over'));
  diffDrop.addEventListener('drop', (e) => {
    e.preventDefault();
    e.stopPropagation();
    diffDrop.classList.remove('over');
    if (!e.dataTransfer) return;
    const dropped = captureDrop(e.dataTransfer);
    const label = dropped.entries.length === 1 ? dropped.entries[0].name : dropped.loose.length === 1 ? dropped.loose[0].name : 'the dropped files';
    void loadOld((async (): Promise<Source> => {
      const roots = await droppedHandles(dropped);
      return roots ? { roots } : fromDropped(dropped, () => {});
    })(), label);
  });
}
