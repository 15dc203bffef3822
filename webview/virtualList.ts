import { el, errorLine } from './dom.ts';
import { pagesOf, RowHeights, visibleRange } from './virtualLayout.ts';
import type { RowRange } from './virtualLayout.ts';

// A list of any length in one scrolling box: only the rows in view (and a few either side) are in
// the DOM, and only their pages are asked for. Rows may be of any height: each is measured once
// shown (ResizeObserver) and remembered; rows not shown yet count at the mean measured height.
// The box keeps the row at its top in place while heights change under it.

export interface ListPage<T> {
  items: T[];
  /** How many rows the list has now: a different answer than before resizes it. */
  total: number;
}

export interface VirtualListOptions<T> {
  total: number;
  /** Rows offset..offset+limit-1; called once per page, only for pages near the viewport. */
  fetch(offset: number, limit: number): Promise<ListPage<T>>;
  render(item: T, index: number): HTMLElement;
  /** The list's accessible name. */
  label: string;
  pageSize?: number;
  /** Height assumed for a row before any is measured, in pixels. */
  estimate?: number;
  /** Rows rendered beyond each edge of the viewport. */
  overscan?: number;
  /** Rows in the DOM at most, whatever the estimate. */
  maxRows?: number;
  /** A page already fetched (the first answer tells the total, so the caller usually has one). */
  initial?: { offset: number; items: T[] };
  /** The row to show at the top first (a restored scroll position). */
  startIndex?: number;
  /** Rows rendered in one pass, already in the document. */
  onRendered?(rows: HTMLElement[]): void;
  /** The row at the top of the viewport changed. */
  onFirstVisible?(index: number): void;
  /** A page answered with another total than the list had. */
  onTotal?(total: number): void;
}

export interface VirtualList {
  /** The scrolling box: focusable, role="list". */
  element: HTMLElement;
  scrollToIndex(index: number): void;
  scrollToEnd(): void;
  /** The row at the top of the viewport. */
  firstVisible(): number;
  /** The rows' data may have changed: pages are asked for again as rows are rendered next. */
  invalidate(): void;
  /** Stops observing and ignores answers still on their way. */
  destroy(): void;
}

const DEFAULTS = { pageSize: 50, estimate: 120, overscan: 4, maxRows: 80 };
/** Pages kept in memory; the farthest from the viewport go first. */
const CACHED_PAGES = 24;
/** A page that failed is asked for again after this long, when it is still needed. */
const RETRY_MS = 2_000;

interface Row {
  element: HTMLElement;
  /** false: a placeholder while the row's page is on its way (or failed). */
  loaded: boolean;
  failed: boolean;
}

export function virtualList<T>(options: VirtualListOptions<T>): VirtualList {
  return new VirtualScroller(options);
}

class VirtualScroller<T> implements VirtualList {
  readonly element: HTMLElement;
  private readonly topSpacer = el('div', { class: 'vlist-spacer', attrs: { 'aria-hidden': 'true' } });
  private readonly bottomSpacer = el('div', { class: 'vlist-spacer', attrs: { 'aria-hidden': 'true' } });
  private readonly pageSize: number;
  private readonly overscan: number;
  private readonly maxRows: number;
  private readonly heights: RowHeights;
  private readonly rows = new Map<number, Row>();
  private readonly indexOf = new WeakMap<Element, number>();
  private readonly pages = new Map<number, T[]>();
  private readonly loading = new Set<number>();
  private readonly failures = new Map<number, { at: number; error: unknown }>();
  /** Bumped whenever cached data is dropped: answers to requests from before are ignored. */
  private epoch = 0;
  private destroyed = false;
  private range: RowRange = { start: 0, end: 0 };
  /** The scroll position as a row and pixels into it: what stays put when heights change. */
  private anchor = { index: 0, within: 0 };
  /** At the bottom: stays at the bottom when heights change (End, or scrolled there). */
  private stickToEnd = false;
  private frame = 0;
  private reported = -1;
  private readonly resized: ResizeObserver;
  private readonly shown: IntersectionObserver;

  constructor(private readonly options: VirtualListOptions<T>) {
    this.pageSize = options.pageSize ?? DEFAULTS.pageSize;
    this.overscan = options.overscan ?? DEFAULTS.overscan;
    this.maxRows = options.maxRows ?? DEFAULTS.maxRows;
    this.heights = new RowHeights(options.total, options.estimate ?? DEFAULTS.estimate);
    if (options.initial && options.initial.offset % this.pageSize === 0) this.pages.set(options.initial.offset / this.pageSize, options.initial.items);
    this.anchor = { index: this.clamp(options.startIndex ?? 0), within: 0 };
    // aria-live off: rows come and go as the list scrolls, which is not news to announce.
    this.element = el(
      'div',
      { class: 'vlist', attrs: { role: 'list', 'aria-label': options.label, tabindex: '0', 'aria-live': 'off' }, on: { scroll: () => this.onScroll(), keydown: (event) => this.onKey(event as KeyboardEvent) } },
      this.topSpacer,
      this.bottomSpacer,
    );
    this.resized = new ResizeObserver((entries) => this.measure(entries));
    // Shown again (its tab selected): the viewport exists again, render for it.
    this.shown = new IntersectionObserver(() => this.schedule());
    this.shown.observe(this.element);
    window.addEventListener('resize', this.onResize);
    this.schedule();
  }

  scrollToIndex(index: number): void {
    this.anchor = { index: this.clamp(index), within: 0 };
    this.stickToEnd = false;
    this.schedule();
  }

  scrollToEnd(): void {
    this.stickToEnd = this.heights.count > 0;
    this.element.scrollTop = this.element.scrollHeight;
    this.schedule();
  }

  firstVisible(): number {
    return this.stickToEnd ? this.heights.indexAt(this.desiredTop()) : this.anchor.index;
  }

  invalidate(): void {
    this.epoch++;
    this.pages.clear();
    this.loading.clear();
    this.failures.clear();
  }

  destroy(): void {
    this.destroyed = true;
    this.invalidate();
    this.resized.disconnect();
    this.shown.disconnect();
    window.removeEventListener('resize', this.onResize);
    if (this.frame) cancelAnimationFrame(this.frame);
  }

  private readonly onResize = (): void => this.schedule();

  private clamp(index: number): number {
    return Math.min(Math.max(0, Math.floor(index)), Math.max(0, this.heights.count - 1));
  }

  private schedule(): void {
    if (!this.frame && !this.destroyed) this.frame = requestAnimationFrame(() => this.update());
  }

  /** Where the viewport should start: the anchor's position (or the bottom) in the current layout. */
  private desiredTop(): number {
    if (this.stickToEnd) return Math.max(0, this.heights.totalHeight() - this.element.clientHeight);
    return this.heights.offsetOf(this.anchor.index) + this.anchor.within;
  }

  private onScroll(): void {
    const viewport = this.element.clientHeight;
    if (viewport === 0 || this.destroyed) return;
    const top = this.element.scrollTop;
    // The browser rounds scrollTop: a row starting less than a pixel below it is the row at the top.
    const index = this.heights.indexAt(top + 1);
    this.anchor = { index, within: top - this.heights.offsetOf(index) };
    this.stickToEnd = top > 0 && top >= this.element.scrollHeight - viewport - 1;
    this.schedule();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const page = Math.max(40, this.element.clientHeight - 40);
    switch (event.key) {
      case 'PageDown':
        this.element.scrollTop += page;
        break;
      case 'PageUp':
        this.stickToEnd = false;
        this.element.scrollTop -= page;
        break;
      case 'Home':
        this.element.scrollTop = 0;
        this.scrollToIndex(0);
        break;
      case 'End':
        this.scrollToEnd();
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  /** Renders the rows the viewport needs, asks for their pages, removes the others. */
  private update(): void {
    this.frame = 0;
    // Not in the document, or its tab is hidden: nothing to measure against; the observers call again.
    if (this.destroyed || !this.element.isConnected || this.element.getClientRects().length === 0) return;
    // The box is as tall as its content up to its max-height: size the spacers first, then read it.
    this.layout();
    const viewport = this.element.clientHeight;
    if (viewport === 0) return;
    const range = visibleRange(this.heights, this.desiredTop(), viewport, this.overscan, this.maxRows);
    for (const page of pagesOf(range, this.pageSize)) this.load(page);
    for (const [index, row] of this.rows) if (index < range.start || index >= range.end) this.remove(index, row);
    const created: HTMLElement[] = [];
    const ordered: HTMLElement[] = [];
    for (let index = range.start; index < range.end; index++) {
      let row = this.rows.get(index);
      const item = this.item(index);
      const failed = item === undefined && this.failures.has(this.pageOf(index));
      // A placeholder whose data came (or whose page failed since) is replaced.
      if (row && !row.loaded && (item !== undefined || row.failed !== failed)) {
        this.remove(index, row);
        row = undefined;
      }
      if (!row) {
        row = this.create(index, item, failed);
        this.rows.set(index, row);
        if (row.loaded) created.push(row.element);
      }
      ordered.push(row.element);
    }
    // Rows kept stay where they are (a focused button inside keeps its focus); new ones go in order.
    let cursor = this.topSpacer.nextSibling;
    for (const element of ordered) {
      if (element === cursor) cursor = cursor.nextSibling;
      else this.element.insertBefore(element, cursor);
    }
    this.range = range;
    if ([...this.rows.values()].some((row) => !row.loaded && !row.failed)) this.element.setAttribute('aria-busy', 'true');
    else this.element.removeAttribute('aria-busy');
    this.layout();
    if (created.length) this.options.onRendered?.(created);
    const first = this.firstVisible();
    if (first !== this.reported) {
      this.reported = first;
      this.options.onFirstVisible?.(first);
    }
  }

  /** Sizes the spacers from the layout and puts the anchor row back where it was. */
  private layout(): void {
    const { start, end } = this.range;
    this.topSpacer.style.height = `${this.heights.offsetOf(start)}px`;
    this.bottomSpacer.style.height = `${Math.max(0, this.heights.totalHeight() - this.heights.offsetOf(end))}px`;
    for (const [index, row] of this.rows) if (!row.loaded) row.element.style.height = `${this.heights.height(index)}px`;
    const wanted = this.desiredTop();
    if (Math.abs(this.element.scrollTop - wanted) >= 1) this.element.scrollTop = wanted;
  }

  private measure(entries: ResizeObserverEntry[]): void {
    if (this.destroyed) return;
    let changed = false;
    for (const entry of entries) {
      const index = this.indexOf.get(entry.target);
      if (index === undefined || this.rows.get(index)?.element !== entry.target) continue;
      const height = entry.borderBoxSize?.[0]?.blockSize ?? entry.target.getBoundingClientRect().height;
      // 0: its tab is hidden, not a row of no height.
      if (height > 0 && this.heights.set(index, height)) changed = true;
    }
    if (!changed) return;
    // Before the frame is painted: the rows above the viewport took their real heights, the anchor row stays put.
    this.layout();
    this.schedule();
  }

  private create(index: number, item: T | undefined, failed: boolean): Row {
    const attrs = { role: 'listitem', 'aria-setsize': String(this.heights.count), 'aria-posinset': String(index + 1), 'data-index': String(index) };
    if (item !== undefined) {
      const element = el('div', { class: 'vrow', attrs }, this.options.render(item, index));
      this.indexOf.set(element, index);
      this.resized.observe(element);
      return { element, loaded: true, failed: false };
    }
    const failure = this.failures.get(this.pageOf(index));
    const element = el('div', { class: 'vrow placeholder', attrs: { ...attrs, 'aria-busy': failed ? undefined : 'true' } }, failure ? errorLine(failure.error) : el('div', { class: 'placeholder-card' }, 'Loading…'));
    element.style.height = `${this.heights.height(index)}px`;
    return { element, loaded: false, failed };
  }

  private remove(index: number, row: Row): void {
    // Focus inside a row that scrolls away stays in the list rather than falling to the page.
    if (row.element.contains(document.activeElement)) this.element.focus({ preventScroll: true });
    this.resized.unobserve(row.element);
    row.element.remove();
    this.rows.delete(index);
  }

  private pageOf(index: number): number {
    return Math.floor(index / this.pageSize);
  }

  private item(index: number): T | undefined {
    return this.pages.get(this.pageOf(index))?.[index % this.pageSize];
  }

  /** Asks for a page unless it is here, on its way, or failed a moment ago. */
  private load(page: number): void {
    if (this.pages.has(page) || this.loading.has(page)) return;
    const failure = this.failures.get(page);
    if (failure && Date.now() - failure.at < RETRY_MS) return;
    const epoch = this.epoch;
    this.loading.add(page);
    this.options.fetch(page * this.pageSize, this.pageSize).then(
      (answer) => {
        if (this.destroyed || epoch !== this.epoch) return;
        this.loading.delete(page);
        this.failures.delete(page);
        if (answer.total !== this.heights.count) this.resize(answer.total);
        this.pages.set(page, answer.items);
        this.evict();
        this.schedule();
      },
      (error: unknown) => {
        if (this.destroyed || epoch !== this.epoch) return;
        this.loading.delete(page);
        this.failures.set(page, { at: Date.now(), error });
        this.schedule();
        // Asked again once the pause is over, if it is still in view then.
        setTimeout(() => this.schedule(), RETRY_MS);
      },
    );
  }

  /** The list changed length under us (re-mined, quarantined): rows shifted, so all cached data goes. */
  private resize(total: number): void {
    this.invalidate();
    this.heights.resize(total);
    for (const [index, row] of this.rows) this.remove(index, row);
    this.anchor = { index: this.clamp(this.anchor.index), within: 0 };
    this.reported = -1;
    this.options.onTotal?.(total);
  }

  private evict(): void {
    if (this.pages.size <= CACHED_PAGES) return;
    const here = this.pageOf(this.range.start);
    const farthest = [...this.pages.keys()].sort((a, b) => Math.abs(b - here) - Math.abs(a - here));
    for (const page of farthest.slice(0, this.pages.size - CACHED_PAGES)) this.pages.delete(page);
  }
}
