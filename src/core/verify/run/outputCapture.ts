/**
 * Keeps the head and the tail of a process's output and counts what fell in between: a test run
 * can print gigabytes, while its first lines (what ran) and last lines (the summary, the failures)
 * are what a reader needs.
 */
export interface OutputLimit {
  headBytes: number;
  tailBytes: number;
}

export const DEFAULT_OUTPUT_LIMIT: OutputLimit = { headBytes: 64 * 1024, tailBytes: 64 * 1024 };

export class OutputCapture {
  private readonly head: Buffer[] = [];
  private headSize = 0;
  private tail: Buffer[] = [];
  private tailSize = 0;
  private total = 0;

  constructor(private readonly limit: OutputLimit = DEFAULT_OUTPUT_LIMIT) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headSize < this.limit.headBytes) {
      const take = Math.min(rest.length, this.limit.headBytes - this.headSize);
      this.head.push(rest.subarray(0, take));
      this.headSize += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0 || this.limit.tailBytes <= 0) return;
    // Copy: the stream may reuse its buffers, and a held subarray would pin a large one.
    this.tail.push(Buffer.from(rest));
    this.tailSize += rest.length;
    while (this.tail.length > 1 && this.tailSize - this.tail[0]!.length >= this.limit.tailBytes) this.tailSize -= this.tail.shift()!.length;
  }

  /** Bytes seen in all. */
  get totalBytes(): number {
    return this.total;
  }

  /** Bytes that neither the head nor the tail kept. */
  get droppedBytes(): number {
    return this.total - this.headSize - Math.min(this.tailSize, this.limit.tailBytes);
  }

  /** The kept output as text, with a marker line where bytes were dropped. */
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    let tailBuffer = Buffer.concat(this.tail);
    if (tailBuffer.length > this.limit.tailBytes) tailBuffer = tailBuffer.subarray(tailBuffer.length - this.limit.tailBytes);
    const tail = tailBuffer.toString('utf8');
    const dropped = this.droppedBytes;
    if (dropped === 0) return head + tail;
    return `${head}\n[… ${dropped.toLocaleString('en-US')} bytes of output dropped …]\n${tail}`;
  }
}
