// A list of fixed-height rows of which only the visible ones (plus an
// overscan) are in the DOM, inside a scrolling viewport element.
//
// The container (inside the viewport) gets the height of all rows; each
// rendered row is placed at index × rowHeight. Rows are kept per key, so a row that stays in view is
// updated in place (and keeps its focus) rather than rebuilt. A focused row
// that scrolls out of range is kept until it loses focus, so keyboard users do
// not lose their place.

export interface VirtualListOptions<T> {
  /** The element that scrolls (overflow-y: auto, a bounded height). */
  viewport: HTMLElement;
  /** The rows' parent inside the viewport. */
  container: HTMLElement;
  /** The row height in px; may change with the layout (call `render` then). */
  rowHeight: () => number;
  /** Rows rendered beyond each edge of the viewport. */
  overscan?: number;
  key: (item: T) => string;
  /** Builds a row for `item`. */
  create: (item: T) => HTMLElement;
  /** Brings an existing row up to date with `item`. */
  update: (el: HTMLElement, item: T) => void;
}

interface Rendered<T> {
  el: HTMLElement;
  item: T;
  index: number;
}

export class VirtualList<T> {
  private items: T[] = [];
  private rows = new Map<string, Rendered<T>>();
  private frame = 0;
  private readonly overscan: number;
  private readonly onScroll = () => this.schedule();

  constructor(private readonly opts: VirtualListOptions<T>) {
    this.overscan = opts.overscan ?? 8;
    opts.container.style.position = 'relative';
    opts.viewport.addEventListener('scroll', this.onScroll, { passive: true });
    window.addEventListener('resize', this.onScroll, { passive: true });
  }

  setItems(items: T[]): void {
    this.items = items;
    this.render();
  }

  get length(): number {
    return this.items.length;
  }

  /** Renders on the next frame (scrolling, resizing). */
  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Renders now. `force` updates every visible row even if its item is the same object. */
  render(force = false): void {
    const { container, key } = this.opts;
    const rowHeight = this.opts.rowHeight();
    const n = this.items.length;
    container.style.height = `${n * rowHeight}px`;

    const { scrollTop, clientHeight } = this.opts.viewport;
    // Before layout (clientHeight 0) render a screenful.
    const height = clientHeight || window.innerHeight || 800;
    const first = Math.max(0, Math.floor(scrollTop / rowHeight) - this.overscan);
    const last = Math.min(n - 1, Math.ceil((scrollTop + height) / rowHeight) + this.overscan);

    const wanted = new Set<string>();
    for (let i = first; i <= last; i++) {
      const item = this.items[i];
      const k = key(item);
      wanted.add(k);
      let r = this.rows.get(k);
      if (!r) {
        const el = this.opts.create(item);
        el.style.position = 'absolute';
        el.style.left = '0';
        el.style.right = '0';
        r = { el, item, index: -1 };
        this.rows.set(k, r);
        container.appendChild(el);
      } else if (force || r.item !== item) {
        this.opts.update(r.el, item);
        r.item = item;
      }
      if (r.index !== i || r.el.style.height !== `${rowHeight}px`) {
        r.index = i;
        r.el.style.top = `${i * rowHeight}px`;
        r.el.style.height = `${rowHeight}px`;
        r.el.setAttribute('aria-posinset', String(i + 1));
      }
      r.el.setAttribute('aria-setsize', String(n));
    }

    const focused = document.activeElement;
    const stillListed = new Set<string>();
    if (focused && container.contains(focused)) {
      for (const item of this.items) stillListed.add(key(item));
    }
    for (const [k, r] of this.rows) {
      if (wanted.has(k)) continue;
      if (focused && r.el.contains(focused) && stillListed.has(k)) continue;
      r.el.remove();
      this.rows.delete(k);
    }
  }

  /** The rendered row of `k`, if it is in the DOM. */
  rowOf(k: string): HTMLElement | undefined {
    return this.rows.get(k)?.el;
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.opts.viewport.removeEventListener('scroll', this.onScroll);
    window.removeEventListener('resize', this.onScroll);
    for (const r of this.rows.values()) r.el.remove();
    this.rows.clear();
  }
}
