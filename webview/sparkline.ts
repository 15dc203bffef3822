import { isCreditId } from '../src/protocol/memoryPanel.ts';
import type { CreditSeries } from '../src/protocol/memoryPanel.ts';
import { replaceChildren } from './dom.ts';
import { request } from './rpc.ts';

// Utility over time: a small chart of Q after each credit a memory received (memory/credits.jsonl),
// on the Memory tab's cards and the Fixes tab's rows. Drawn as inline SVG with classes only (the
// page's CSP allows no inline styles); memoryPanel.css colours it from VS Code's theme variables.

const SVG = 'http://www.w3.org/2000/svg';
/** A card has room for a taller chart than a table row. */
const SIZES = { card: { width: 120, height: 28 }, row: { width: 96, height: 18 } } as const;
export type TrendSize = keyof typeof SIZES;
const PAD = 3;
/** The protocol's bound on ids per request. */
const BATCH = 500;

/** Where a memory's chart goes: an empty slot, filled (or left empty) once the page's histories arrive. */
export function trendSlot(id: string, size: TrendSize = 'card'): HTMLElement {
  const slot = document.createElement('span');
  slot.className = 'trend';
  slot.setAttribute('data-credit-id', id);
  slot.setAttribute('data-size', size);
  return slot;
}

/**
 * Fills every trend slot under `root` from one request for all their ids (the page's, never one per
 * card). Items without credits keep an empty slot; a failed request leaves them all empty, since a
 * chart is extra to the list and must not turn it into an error.
 */
export async function fillTrends(root: ParentNode): Promise<void> {
  const slots = [...root.querySelectorAll<HTMLElement>('.trend[data-credit-id]')];
  // An id the credit log cannot hold (a fix recorded under an odd name) is not asked for: it would fail the batch.
  const ids = [...new Set(slots.map((slot) => slot.getAttribute('data-credit-id')!))].filter(isCreditId);
  if (!ids.length) return;
  try {
    const series = new Map<string, CreditSeries>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const { histories } = await request('creditHistory', { ids: ids.slice(i, i + BATCH) });
      for (const history of histories) series.set(history.id, history);
    }
    for (const slot of slots) {
      const history = series.get(slot.getAttribute('data-credit-id')!);
      replaceChildren(slot, history ? sparkline(history, slot.getAttribute('data-size') === 'row' ? 'row' : 'card') : null);
    }
  } catch (error) {
    console.error(`memory browser: credit history: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** "Q over 5 credits: 0.30 → 0.51" — the chart's title and accessible name. */
function trendLabel(series: CreditSeries): string {
  const first = series.points[0]!;
  const last = series.points.at(-1)!;
  const shown = series.count > series.points.length ? ` (the last ${series.points.length} shown)` : '';
  return `Q over ${series.count} credit${series.count === 1 ? '' : 's'}: ${first.q.toFixed(2)} → ${last.q.toFixed(2)}${shown}`;
}

function sparkline(series: CreditSeries, size: TrendSize = 'card'): SVGSVGElement {
  const { width: WIDTH, height: HEIGHT } = SIZES[size];
  const label = trendLabel(series);
  const svg = node('svg', { class: `sparkline ${size}`, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: String(WIDTH), height: String(HEIGHT), role: 'img', 'aria-label': label }) as SVGSVGElement;
  const title = node('title', {});
  title.textContent = label;
  const { points } = series;
  // Evenly spaced by credit, not by time: bursts of credits would otherwise pile up in one spot.
  const x = (i: number): number => (points.length === 1 ? WIDTH / 2 : PAD + (i * (WIDTH - 2 * PAD)) / (points.length - 1));
  const y = (q: number): number => PAD + ((1 - q) / 2) * (HEIGHT - 2 * PAD);
  const line = points.map((point, i) => `${x(i).toFixed(1)},${y(point.q).toFixed(1)}`).join(' ');
  svg.append(
    title,
    // The whole range, −1 to 1: a faint band, so that a flat line near zero reads as "near zero".
    node('rect', { class: 'band', x: '0', y: String(PAD), width: String(WIDTH), height: String(HEIGHT - 2 * PAD), rx: '2' }),
    node('line', { class: 'zero', x1: '0', x2: String(WIDTH), y1: String(y(0)), y2: String(y(0)) }),
    ...(points.length > 1 ? [node('polyline', { class: 'q', points: line })] : []),
    ...points.map((point, i) => node('circle', { class: `credit ${point.reward > 0 ? 'up' : 'down'}${point.quarantined ? ' quarantined' : ''}`, cx: x(i).toFixed(1), cy: y(point.q).toFixed(1), r: size === 'card' ? '2.4' : '2' })),
  );
  return svg;
}

function node(tag: string, attrs: Record<string, string>): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  return element;
}
