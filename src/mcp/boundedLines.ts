import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

/** The longest message the server reads; the MCP SDK's own stdio buffer closes the connection past 10 MB. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * Passes stdin through line by line, and drops a line longer than `maxBytes` (reading it to its end
 * without keeping it) instead of letting it stop the server: the client gets a JSON-RPC error for
 * it (its id unread, so null) through `refuse`, and every later message is served as usual.
 */
export class BoundedLines extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(
    private readonly refuse: (bytes: number) => void,
    private readonly maxBytes = MAX_MESSAGE_BYTES,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let rest = chunk;
    for (;;) {
      const newline = rest.indexOf(0x0a);
      if (newline === -1) {
        this.hold(rest);
        break;
      }
      this.hold(rest.subarray(0, newline + 1));
      this.endLine();
      rest = rest.subarray(newline + 1);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (!this.discarding && this.pendingBytes) this.push(Buffer.concat(this.pending));
    done();
  }

  private hold(part: Buffer): void {
    this.pendingBytes += part.length;
    if (this.discarding) return;
    this.pending.push(part);
    if (this.pendingBytes > this.maxBytes) {
      this.discarding = true;
      this.pending = [];
    }
  }

  private endLine(): void {
    if (this.discarding) this.refuse(this.pendingBytes);
    else this.push(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = false;
  }
}
