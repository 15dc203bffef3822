// The geometry of a virtualized list, with no DOM: where each row starts, which row is at a given
// scroll position, which rows and pages a viewport needs. Rows the page has measured count at their
// measured height; every other row at an estimate (the mean of the measured ones, once there are
// any). Only measured rows are stored, so a list of millions costs what was shown of it.

export interface RowRange {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
}

export class RowHeights {
  private rows: number;
  private readonly initialEstimate: number;
  private readonly measured = new Map<number, number>();
  private measuredSum = 0;
  /** Measured indices in order, and prefix[k] = the sum of the heights of the first k of them; rebuilt when stale. */
  private order: number[] = [];
  private prefix: number[] = [0];
  private stale = false;

  constructor(count: number, estimate: number) {
    if (!(estimate > 0)) throw new RangeError('the estimated row height must be positive');
    this.rows = Math.max(0, Math.floor(count));
    this.initialEstimate = estimate;
  }

  get count(): number {
    return this.rows;
  }

  /** Changes the number of rows; measurements of rows that no longer exist are dropped. */
  resize(count: number): void {
    this.rows = Math.max(0, Math.floor(count));
    for (const [index, height] of this.measured) {
      if (index < this.rows) continue;
      this.measured.delete(index);
      this.measuredSum -= height;
      this.stale = true;
    }
  }

  /** The height assumed for a row not measured yet. */
  estimate(): number {
    return this.measured.size ? this.measuredSum / this.measured.size : this.initialEstimate;
  }

  /** Records a row's measured height; false when nothing changed (same height, or no such row). */
  set(index: number, height: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.rows || !(height >= 0) || !Number.isFinite(height)) return false;
    const before = this.measured.get(index);
    if (before === height) return false;
    this.measured.set(index, height);
    this.measuredSum += height - (before ?? 0);
    this.stale = true;
    return true;
  }

  isMeasured(index: number): boolean {
    return this.measured.has(index);
  }

  height(index: number): number {
    return this.measured.get(index) ?? this.estimate();
  }

  /** Where row `index` starts; offsetOf(count) is the height of the whole list. */
  offsetOf(index: number): number {
    const i = Math.min(Math.max(0, Math.floor(index)), this.rows);
    this.rebuild();
    const before = lowerBound(this.order, i);
    return (i - before) * this.estimate() + this.prefix[before]!;
  }

  totalHeight(): number {
    return this.offsetOf(this.rows);
  }

  /** The row that covers `offset` (clamped to the list): the last row starting at or before it. */
  indexAt(offset: number): number {
    if (this.rows === 0 || !(offset > 0)) return 0;
    let low = 0;
    let high = this.rows - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.offsetOf(middle) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private rebuild(): void {
    if (!this.stale) return;
    this.order = [...this.measured.keys()].sort((a, b) => a - b);
    this.prefix = [0];
    for (const index of this.order) this.prefix.push(this.prefix.at(-1)! + this.measured.get(index)!);
    this.stale = false;
  }
}

/** How many of the sorted `values` are below `value`. */
function lowerBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The rows a viewport of `height` pixels scrolled to `top` shows, plus `overscan` rows either side,
 * never more than `maxRows` in all (the DOM stays bounded whatever the estimate says).
 */
export function visibleRange(layout: RowHeights, top: number, height: number, overscan: number, maxRows: number): RowRange {
  if (layout.count === 0) return { start: 0, end: 0 };
  const first = layout.indexAt(Math.max(0, top));
  const last = layout.indexAt(Math.max(0, top) + Math.max(0, height) - 0.5);
  const start = Math.max(0, first - overscan);
  const end = Math.min(layout.count, last + 1 + overscan, start + Math.max(1, maxRows));
  return { start, end };
}

/** The page numbers (pages of `pageSize` rows from row 0) that hold rows start..end-1. */
export function pagesOf(range: RowRange, pageSize: number): number[] {
  if (range.end <= range.start) return [];
  const pages: number[] = [];
  for (let page = Math.floor(range.start / pageSize); page * pageSize < range.end; page++) pages.push(page);
  return pages;
}
