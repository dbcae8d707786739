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
  const list = (title: string, cls: string, items: HTMLElement[]) =>
    h('section', { class: `diff-section ${cls}`, 'aria-label': title },
      h('h3', {}, `${title} `, h('span', { class: 'count' }, fmt.format(items.length))),
      items.length ? h('ul', {}, ...items) : h('p', { class: 'muted' }, 'None.'));
  out.replaceChildren(
    h('h2', { id: 'diff-title' }, `From ${d.old.label} (${fmt.format(d.old.packages)} packages) to the current set (${fmt.format(d.current.packages)} packages)`),
    list('Added', 'd-added', added.map((a) => h('li', { class: 'd-added' }, link(a)))),
    list('Removed', 'd-removed', removed.map((r) => h('li', { class: 'd-removed' }, r))),
    list('Changed', 'd-changed', changed.map((c) => {
      const id = app.packages.find((p) => p.name === c.name && p.ecosystem === c.ecosystem)?.id;
      const parts: (string | HTMLElement)[] = [id !== undefined ? pkgLink(id, c.name) : c.name, ` ${c.ecosystem}: `,
        `${c.old_versions.join(', ') || '—'} → ${c.new_versions.join(', ') || '—'}`];
      if (c.requirements_added.length) parts.push(h('span', { class: 'd-added' }, ` +${c.requirements_added.join(', +')}`));
      if (c.requirements_removed.length) parts.push(h('span', { class: 'd-removed' }, ` −${c.requirements_removed.join(', −')}`));
      return h('li', {}, ...parts);
    })),
  );
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
  } catch (err) {
    showError(err instanceof Error ? err.message : String(err));
  }
  if (parseRoute().view === 'diff') render();
  else location.hash = '#/diff';
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
