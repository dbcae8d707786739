// A virtualised table: only the rows in view (and a few around) exist in the DOM, so 20,000
// packages scroll as smoothly as 20. Rows are fixed-height, absolutely placed in a spacer.
// The grid itself scrolls, under a sticky header, and is the one focusable element (a click on
// a row focuses it too): arrows, Page Up/Down, Home/End move the active row (announced through
// aria-activedescendant, which ARIA allows on a grid, not on a rowgroup), Enter opens it.

export interface Column<T> {
  key: string;
  label: string;
  /** Text of the cell. */
  text: (row: T) => string;
  numeric?: boolean;
  className?: string;
}

export class VirtualTable<T> {
  readonly element: HTMLElement;
  #body: HTMLElement;
  #spacer: HTMLElement;
  #header: HTMLElement;
  #columns: Column<T>[];
  #rows: T[] = [];
  #pool: HTMLElement[] = [];
  #rowHeight = 30;
  #active = 0;
  #frame = 0;
  #sortKey = '';
  #sortDir: 1 | -1 = 1;
  onopen: (row: T) => void = () => {};
  onsort: (key: string, dir: 1 | -1) => void = () => {};

  constructor(columns: Column<T>[], label: string) {
    this.#columns = columns;
    this.element = document.createElement('div');
    this.element.className = 'vtable';
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', label);
    this.element.setAttribute('aria-readonly', 'true');
    this.element.tabIndex = 0;
    this.element.addEventListener('keydown', (e) => {
      // Keys on the header's sort buttons are theirs.
      if (e.target === this.element) this.#key(e);
    });

    this.#header = document.createElement('div');
    this.#header.className = 'vrow vhead';
    this.#header.setAttribute('role', 'row');
    this.#header.setAttribute('aria-rowindex', '1');
    for (const column of columns) {
      const cell = document.createElement('div');
      cell.className = `vcell ${column.className ?? ''} ${column.numeric ? 'num' : ''}`;
      cell.setAttribute('role', 'columnheader');
      cell.setAttribute('aria-sort', 'none');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = column.label;
      button.dataset.key = column.key;
      button.title = `Sort by ${column.label.toLowerCase()}`;
      button.addEventListener('click', () => {
        const dir = this.#sortKey === column.key ? ((-this.#sortDir) as 1 | -1) : 1;
        this.setSort(column.key, dir);
        this.onsort(column.key, dir);
      });
      cell.append(button);
      this.#header.append(cell);
    }

    this.#body = document.createElement('div');
    this.#body.className = 'vbody';
    this.#body.setAttribute('role', 'rowgroup');
    this.#spacer = document.createElement('div');
    this.#spacer.className = 'vspacer';
    this.#body.append(this.#spacer);
    this.element.addEventListener('scroll', () => this.#schedule(), { passive: true });
    this.#body.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.vrow');
      if (!row || row.dataset.index === undefined) return;
      const index = Number(row.dataset.index);
      this.element.focus({ preventScroll: true });
      this.#setActive(index, false);
      const item = this.#rows[index];
      if (item !== undefined) this.onopen(item);
    });
    new ResizeObserver(() => this.#schedule()).observe(this.element);
    this.element.append(this.#header, this.#body);
  }

  setSort(key: string, dir: 1 | -1): void {
    this.#sortKey = key;
    this.#sortDir = dir;
    for (const cell of Array.from(this.#header.children) as HTMLElement[]) {
      const button = cell.querySelector('button');
      const sorted = button?.dataset.key === key;
      cell.setAttribute('aria-sort', sorted ? (dir === 1 ? 'ascending' : 'descending') : 'none');
      cell.classList.toggle('sorted', sorted);
      cell.dataset.dir = sorted ? (dir === 1 ? '▲' : '▼') : '';
    }
  }

  setRows(rows: T[]): void {
    this.#rows = rows;
    this.#active = Math.min(this.#active, Math.max(0, rows.length - 1));
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    this.#spacer.style.height = `${rows.length * this.#rowHeight}px`;
    this.#render();
  }

  focus(): void {
    this.element.focus();
  }

  /** The rows' viewport: the scroll position and height below the sticky header. */
  #view(): { top: number; height: number; header: number } {
    const header = this.#header.offsetHeight;
    const height = this.element.clientHeight - header;
    return { top: Math.max(0, this.element.scrollTop), height: height > 0 ? height : 600, header };
  }

  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#render();
    });
  }

  #render(): void {
    const { top, height } = this.#view();
    const first = Math.max(0, Math.floor(top / this.#rowHeight) - 8);
    const last = Math.min(this.#rows.length, Math.ceil((top + height) / this.#rowHeight) + 8);
    const count = last - first;
    while (this.#pool.length < count) {
      const row = document.createElement('div');
      row.className = 'vrow';
      row.setAttribute('role', 'row');
      for (const column of this.#columns) {
        const cell = document.createElement('div');
        cell.className = `vcell ${column.className ?? ''} ${column.numeric ? 'num' : ''}`;
        cell.setAttribute('role', 'gridcell');
        row.append(cell);
      }
      this.#pool.push(row);
      this.#spacer.append(row);
    }
    for (let i = 0; i < this.#pool.length; i++) {
      const row = this.#pool[i];
      if (i >= count) {
        row.hidden = true;
        row.removeAttribute('id');
        continue;
      }
      const index = first + i;
      const item = this.#rows[index];
      row.hidden = false;
      row.dataset.index = String(index);
      row.id = `vrow-${index}`;
      row.setAttribute('aria-rowindex', String(index + 2));
      row.style.transform = `translateY(${index * this.#rowHeight}px)`;
      row.classList.toggle('active', index === this.#active);
      row.setAttribute('aria-selected', String(index === this.#active));
      const cells = row.children;
      for (let c = 0; c < this.#columns.length; c++) {
        const text = this.#columns[c].text(item);
        const cell = cells[c] as HTMLElement;
        if (cell.textContent !== text) cell.textContent = text;
        cell.dataset.value = text;
      }
    }
    if (this.#rows.length) this.element.setAttribute('aria-activedescendant', `vrow-${this.#active}`);
    else this.element.removeAttribute('aria-activedescendant');
  }

  #setActive(index: number, scroll: boolean): void {
    if (this.#rows.length === 0) return;
    this.#active = Math.max(0, Math.min(this.#rows.length - 1, index));
    if (scroll) {
      // The header takes its own height in the flow: row i is in view from scrollTop i * rowHeight.
      const top = this.#active * this.#rowHeight;
      const view = this.#view();
      if (top < view.top) this.element.scrollTop = top;
      else if (top + this.#rowHeight > view.top + view.height) {
        this.element.scrollTop = top + this.#rowHeight - view.height;
      }
    }
    this.#render();
  }

  #key(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.#view().height / this.#rowHeight) - 1);
    const moves: { [key: string]: number } = {
      ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page,
    };
    if (e.key in moves) this.#setActive(this.#active + moves[e.key], true);
    else if (e.key === 'Home') this.#setActive(0, true);
    else if (e.key === 'End') this.#setActive(this.#rows.length - 1, true);
    else if (e.key === 'Enter') {
      const item = this.#rows[this.#active];
      if (item !== undefined) this.onopen(item);
    } else return;
    e.preventDefault();
  }
}
