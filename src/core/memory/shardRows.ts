import type { CommitExperience } from './experience.ts';
import { corrupt, experienceSchema, NEWEST_FIRST, parseShard } from './storeFiles.ts';
import { shardOf } from './storeMeta.ts';

/**
 * One shard's experiences, parsed only where they are asked for. A shard holds ~1,000 experiences
 * (~1.4 MB at 500k commits); the memory browser shows 50 of them, an MCP tool a handful. Parsing
 * and checking all of them cost 10–20 ms of CPU and as much again in garbage collection per shard;
 * one line costs microseconds. A shard in another layout (an older writer, a hand edit) is parsed
 * whole, as before.
 */
export class ShardRows {
  private readonly parsed = new Map<number, CommitExperience>();

  private constructor(
    private readonly path: string,
    private readonly shard: number,
    /** One experience per entry, newest first: JSON text, or the record once parsed. */
    private readonly lines: string[] | undefined,
    private readonly items: CommitExperience[] | undefined,
  ) {}

  /** A shard's rows from its file's text; no text (no file) is no rows. */
  static fromText(text: string | undefined, path: string, shard: number): ShardRows {
    if (text === undefined) return new ShardRows(path, shard, undefined, []);
    const lines = newestFirstLines(text, path, shard);
    if (lines) return new ShardRows(path, shard, lines, undefined);
    const items = [...parseShard(text, path, shard).items].sort((a, b) => b.seq - a.seq);
    return new ShardRows(path, shard, undefined, items);
  }

  get count(): number {
    return this.lines?.length ?? this.items!.length;
  }

  /** The experience at `rank` from the newest (0 is the newest). */
  at(rank: number): CommitExperience {
    if (this.items) return this.items[rank]!;
    let row = this.parsed.get(rank);
    if (!row) {
      row = this.parseLine(rank);
      this.parsed.set(rank, row);
    }
    return row;
  }

  /** `limit` experiences from `skip` newest ones on. */
  newest(skip: number, limit: number): CommitExperience[] {
    const rows: CommitExperience[] = [];
    for (let rank = skip; rank < Math.min(this.count, skip + limit); rank++) rows.push(this.at(rank));
    return rows;
  }

  /** The experience at a first-parent position (rows are newest first). */
  bySeq(seq: number): CommitExperience | undefined {
    if (this.count === 0) return undefined;
    // A shard's positions are usually consecutive: the row is then where the newest one puts it,
    // one line parsed. Otherwise (a hole, a forgotten commit) halving finds it.
    const guess = this.at(0).seq - seq;
    if (guess >= 0 && guess < this.count && this.at(guess).seq === seq) return this.at(guess);
    let low = 0;
    let high = this.count - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const row = this.at(middle);
      if (row.seq === seq) return row;
      if (row.seq > seq) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** The experience of a commit, looked for in every row (when its position is not known). */
  find(sha: string): CommitExperience | undefined {
    for (let rank = 0; rank < this.count; rank++) if (this.at(rank).sha === sha) return this.at(rank);
    return undefined;
  }

  private parseLine(rank: number): CommitExperience {
    const line = this.lines![rank]!;
    let value: unknown;
    try {
      value = JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line);
    } catch (error) {
      throw corrupt(this.path, `has a line that is not valid JSON (experience ${rank + 1} from the newest)`, error);
    }
    const checked = experienceSchema.safeParse(value);
    if (!checked.success) throw corrupt(this.path, `has an experience without the shape of one (${rank + 1} from the newest: ${checked.error.issues[0]?.message ?? 'unknown shape'})`);
    const row = checked.data as unknown as CommitExperience;
    if (shardOf(row.seq) !== this.shard) throw corrupt(this.path, `holds commit ${row.sha.slice(0, 10)} at position ${row.seq}, which belongs to another shard`);
    // The order is what halving and paging rely on: a row out of it is damage, said as such.
    const newer = rank > 0 ? this.parsed.get(rank - 1) : undefined;
    const older = this.parsed.get(rank + 1);
    if ((newer && newer.seq <= row.seq) || (older && older.seq >= row.seq)) throw corrupt(this.path, `is not in newest-first order at experience ${rank + 1}`);
    return row;
  }
}

/**
 * The item lines of a shard in the newest-first layout, or undefined for any other text. The layout
 * is checked whole (header, one item per line, each but the last ending in a comma, the closing
 * line): a file cut off or joined differently is left to the full parse, which says what is wrong.
 */
function newestFirstLines(text: string, path: string, shard: number): string[] | undefined {
  const lines = text.split('\n');
  const header = lines[0];
  if (!header?.startsWith('{') || !header.endsWith('"items":[') || !header.includes(NEWEST_FIRST)) return undefined;
  if (lines.length < 4 || lines[lines.length - 1] !== '' || lines[lines.length - 2] !== ']}') return undefined;
  // The header says which shard and which schema: checked as the full parse checks them.
  parseShard(`${header}]}`, path, shard);
  const items = lines.slice(1, -2);
  if (items.length === 1 && items[0] === '') return [];
  for (let i = 0; i < items.length; i++) {
    const line = items[i]!;
    const last = i === items.length - 1;
    if (!line.startsWith('{') || line.endsWith(',') === last) return undefined;
  }
  return items;
}
