// Building the page: elements by id, elements made in one expression, numbers as the page
// writes them, the error box and downloads.

/** The element with id `id`; throws if the page lacks it. */
export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing`);
  return element as T;
};

/** An element with attributes (`class` as its class name) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { [key: string]: string | undefined } = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key === 'class') element.className = value;
    else element.setAttribute(key, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

export const fmt = new Intl.NumberFormat('en');

/**
 * A message as the page shows it: the core's and the package's messages quote code in
 * backticks (`-r other.txt`), which the page sets as code instead of showing the backticks.
 */
export function prose(message: string): (Node | string)[] {
  return message.split(/`([^`\n]+)`/).map((part, i) => (i % 2 ? h('code', {}, part) : part));
}

/** Shows `message` in the error box, or hides it. */
export function showError(message: string | null): void {
  const box = $('error');
  box.hidden = message === null;
  box.replaceChildren(...prose(message ?? ''));
}

/** Offers `text` as a file named `name` to save. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
