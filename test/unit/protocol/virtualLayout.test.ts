import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pagesOf, RowHeights, visibleRange } from '../../../webview/virtualLayout.ts';

describe('virtual list layout', () => {
  it('places unmeasured rows at the estimate', () => {
    const layout = new RowHeights(10_000, 100);
    assert.equal(layout.offsetOf(0), 0);
    assert.equal(layout.offsetOf(1), 100);
    assert.equal(layout.offsetOf(9_999), 999_900);
    assert.equal(layout.totalHeight(), 1_000_000);
    assert.equal(layout.offsetOf(20_000), 1_000_000, 'past the end is the end');
    assert.equal(layout.offsetOf(-3), 0);
  });

  it('sums measured heights before a row, and estimates the rest from their mean', () => {
    const layout = new RowHeights(100, 100);
    assert.equal(layout.set(0, 80), true);
    assert.equal(layout.set(2, 160), true);
    assert.equal(layout.set(2, 160), false, 'the same height again changes nothing');
    // Rows 0 and 2 measured (80 + 160); the others at their mean, 120.
    assert.equal(layout.estimate(), 120);
    assert.equal(layout.offsetOf(1), 80);
    assert.equal(layout.offsetOf(2), 200);
    assert.equal(layout.offsetOf(3), 360);
    assert.equal(layout.offsetOf(4), 480);
    assert.equal(layout.totalHeight(), 80 + 160 + 98 * 120);
    assert.equal(layout.height(2), 160);
    assert.equal(layout.height(50), 120);
    // Measured again, smaller: the rows after it move up, and the estimate follows (now (80 + 40) / 2).
    layout.set(2, 40);
    assert.equal(layout.estimate(), 60);
    assert.equal(layout.offsetOf(3), 80 + 60 + 40);
  });

  it('ignores measurements of rows outside the list and nonsense heights', () => {
    const layout = new RowHeights(3, 50);
    assert.equal(layout.set(3, 10), false);
    assert.equal(layout.set(-1, 10), false);
    assert.equal(layout.set(1, Number.NaN), false);
    assert.equal(layout.set(1, Infinity), false);
    assert.equal(layout.totalHeight(), 150);
  });

  it('finds the row at an offset: the inverse of offsetOf, clamped to the list', () => {
    const layout = new RowHeights(1_000, 100);
    for (const [index, height] of [[0, 30], [1, 250], [5, 10], [999, 400]] as const) layout.set(index, height);
    for (let index = 0; index < 1_000; index++) {
      const top = layout.offsetOf(index);
      assert.equal(layout.indexAt(top), index, `row ${index} starts at ${top}`);
      assert.equal(layout.indexAt(top + layout.height(index) - 0.01), index, `row ${index} covers the pixel before the next`);
    }
    assert.equal(layout.indexAt(-50), 0);
    assert.equal(layout.indexAt(layout.totalHeight() + 1_000), 999);
    assert.equal(new RowHeights(0, 100).indexAt(500), 0);
  });

  it('stays fast and exact on a large list', () => {
    const layout = new RowHeights(12_345, 120);
    for (let index = 0; index < 12_345; index += 7) layout.set(index, 60 + (index % 90));
    let expected = 0;
    for (let index = 0; index < 12_345; index++) {
      assert.ok(Math.abs(layout.offsetOf(index) - expected) < 1e-6, `row ${index}`);
      expected += layout.height(index);
    }
    assert.ok(Math.abs(layout.totalHeight() - expected) < 1e-6);
    assert.equal(layout.indexAt(layout.offsetOf(12_000) + 1), 12_000);
  });

  it('drops the measurements of rows a shorter list no longer has', () => {
    const layout = new RowHeights(10, 100);
    layout.set(2, 50);
    layout.set(8, 300);
    layout.resize(5);
    assert.equal(layout.count, 5);
    assert.equal(layout.isMeasured(8), false);
    assert.equal(layout.estimate(), 50);
    assert.equal(layout.totalHeight(), 250);
    layout.resize(6);
    assert.equal(layout.totalHeight(), 300);
  });

  it('renders the rows in view and an overscan either side, never more than the cap', () => {
    const layout = new RowHeights(10_000, 100);
    assert.deepEqual(visibleRange(layout, 0, 550, 3, 80), { start: 0, end: 9 });
    assert.deepEqual(visibleRange(layout, 5_000, 500, 3, 80), { start: 47, end: 58 });
    assert.deepEqual(visibleRange(layout, 999_500, 500, 3, 80), { start: 9_992, end: 10_000 });
    assert.deepEqual(visibleRange(layout, 0, 100_000, 3, 80), { start: 0, end: 80 }, 'a huge viewport still renders at most the cap');
    assert.deepEqual(visibleRange(new RowHeights(0, 100), 0, 500, 3, 80), { start: 0, end: 0 });
    assert.deepEqual(visibleRange(new RowHeights(4, 100), 0, 900, 3, 80), { start: 0, end: 4 }, 'a short list renders whole');
  });

  it('names the pages that hold a range of rows', () => {
    assert.deepEqual(pagesOf({ start: 0, end: 9 }, 50), [0]);
    assert.deepEqual(pagesOf({ start: 47, end: 58 }, 50), [0, 1]);
    assert.deepEqual(pagesOf({ start: 50, end: 100 }, 50), [1]);
    assert.deepEqual(pagesOf({ start: 9_992, end: 10_000 }, 50), [199]);
    assert.deepEqual(pagesOf({ start: 5, end: 5 }, 50), []);
  });
});
