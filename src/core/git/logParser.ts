import type { FileStatus } from '../memory/experience.ts';
import type { Hunk } from '../code/symbolParser.ts';
import type { RawChange, RawCommit } from './rawCommit.ts';
import { decodeText } from '../util/decodeText.ts';
import { categorizePath, isNoiseCategory } from './fileCategory.ts';

/**
 * The `git log` arguments this parser understands. `-z` keeps paths byte-exact in the raw section,
 * `-U0` makes hunk ranges exact (no context), the record separator (0x1E) starts every commit, and
 * the message is the last header field so that any character in it is safe.
 */
export const LOG_FORMAT_ARGS = [
  '--format=%x1eCOMMIT%x1f%H%x1f%P%x1f%at%x1f%ct%x1f%an%x1f%ae%x1f%B%x1f',
  '-z',
  '--raw',
  '--no-abbrev',
  '-p',
  '-U0',
  '-M',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-relative',
  '--diff-merges=first-parent',
];

export interface LogParserLimits {
  /** Files listed per commit; more are counted as omitted. */
  maxFilesPerCommit: number;
  /** Hunk lines kept per file for symbol mapping. */
  maxHunkLinesPerFile: number;
  /** Hunk bytes kept per commit across files. */
  maxHunkBytesPerCommit: number;
  /** Bytes kept of any one line (message fields, paths, patch lines). */
  maxLineBytes: number;
  /** Changed lines sampled per file for the summary. */
  sampleLinesPerFile: number;
  /** Bytes of changed lines per file kept to read identifiers from. */
  wordBytesPerFile: number;
}

export const DEFAULT_LOG_LIMITS: LogParserLimits = {
  maxFilesPerCommit: 500,
  maxHunkLinesPerFile: 20_000,
  maxHunkBytesPerCommit: 16 * 1024 * 1024,
  maxLineBytes: 64 * 1024,
  sampleLinesPerFile: 4,
  wordBytesPerFile: 4096,
};

const RS = 0x1e;
const NUL = 0x00;
const LF = 0x0a;
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const MAX_HEADER_BYTES = 1024 * 1024;

type State = 'start' | 'header' | 'afterHeader' | 'raw' | 'patch';

interface Token {
  bytes: Buffer;
  overflow: boolean;
}

/**
 * Incremental parser for the output of `git log` with {@link LOG_FORMAT_ARGS}. Feed it chunks as they
 * arrive; it returns finished commits. Memory stays bounded: over-long lines and patches are cut to
 * the limits while their line counts stay exact.
 */
export class LogParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private state: State = 'start';
  private partial: Buffer[] = [];
  private partialLength = 0;
  private partialOverflow = false;

  private commit: RawCommit | undefined;
  private pendingRaw: { meta: string; paths: Buffer[]; needed: number } | undefined;
  private rawPathsListed = 0;
  private headerIndex = -1;
  private headersSeen = new Map<number, number>();
  private current: RawChange | undefined;
  private inHunk = false;
  private hunk: Hunk | undefined;
  private lastSign: '+' | '-' | undefined;
  private keptHunkLines = 0;
  private keptCommitBytes = 0;

  constructor(
    private readonly wantHunks: (change: RawChange) => boolean,
    private readonly limits: LogParserLimits = DEFAULT_LOG_LIMITS,
  ) {}

  push(chunk: Buffer): RawCommit[] {
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
    const done: RawCommit[] = [];
    this.run(done);
    return done;
  }

  /** Call when the stream ends; returns the last commit. */
  end(): RawCommit[] {
    const done: RawCommit[] = [];
    if (this.partialLength > 0 || this.partialOverflow) {
      // A final line without its terminator (git always ends with one, but a killed process may not).
      const token = this.takePartial();
      if (this.state === 'patch') this.patchLine(token);
    }
    this.finishCommit(done);
    return done;
  }

  private run(done: RawCommit[]): void {
    for (;;) {
      switch (this.state) {
        case 'start':
        case 'header': {
          if (this.state === 'start' && this.partialLength === 0) {
            if (this.pos >= this.buf.length) return;
            if (this.buf[this.pos] !== RS) throw new Error(`unexpected git log output at a commit start (byte ${this.buf[this.pos]})`);
          }
          this.state = 'header';
          const token = this.readToken(NUL, MAX_HEADER_BYTES);
          if (!token) return;
          this.beginCommit(token);
          this.state = 'afterHeader';
          break;
        }
        case 'afterHeader': {
          if (this.pos >= this.buf.length) return;
          if (this.buf[this.pos] === LF) {
            this.pos++;
            this.state = 'raw';
          } else {
            this.finishCommit(done);
            this.state = 'start';
          }
          break;
        }
        case 'raw': {
          if (this.partialLength === 0 && !this.pendingRaw) {
            if (this.pos >= this.buf.length) return;
            if (this.buf[this.pos] === RS) {
              this.finishCommit(done);
              this.state = 'start';
              break;
            }
          }
          const token = this.readToken(NUL, this.limits.maxLineBytes);
          if (!token) return;
          if (!this.rawToken(token)) this.state = 'patch';
          break;
        }
        case 'patch': {
          if (this.partialLength === 0 && !this.partialOverflow) {
            if (this.pos >= this.buf.length) return;
            if (this.buf[this.pos] === RS) {
              this.finishCommit(done);
              this.state = 'start';
              break;
            }
          }
          const token = this.readToken(LF, this.limits.maxLineBytes);
          if (!token) return;
          this.patchLine(token);
          break;
        }
      }
    }
  }

  /** Reads up to `delim`, keeping at most `cap` bytes; returns null when more input is needed. */
  private readToken(delim: number, cap: number): Token | null {
    const idx = this.buf.indexOf(delim, this.pos);
    const end = idx === -1 ? this.buf.length : idx;
    const piece = this.buf.subarray(this.pos, end);
    this.pos = idx === -1 ? this.buf.length : idx + 1;
    if (idx !== -1 && this.partialLength === 0 && !this.partialOverflow && piece.length <= cap) {
      return { bytes: piece, overflow: false };
    }
    const room = cap - this.partialLength;
    if (room > 0) {
      const kept = piece.length > room ? piece.subarray(0, room) : piece;
      // Copy: the chunk behind `piece` is released on the next push.
      this.partial.push(Buffer.from(kept));
      this.partialLength += kept.length;
    }
    if (piece.length > room) this.partialOverflow = true;
    if (idx === -1) return null;
    return this.takePartial();
  }

  private takePartial(): Token {
    const token = { bytes: Buffer.concat(this.partial, this.partialLength), overflow: this.partialOverflow };
    this.partial = [];
    this.partialLength = 0;
    this.partialOverflow = false;
    return token;
  }

  private beginCommit(token: Token): void {
    // 0x1E "COMMIT" 0x1F sha 0x1F parents 0x1F at 0x1F ct 0x1F name 0x1F email 0x1F message 0x1F
    const fields: Buffer[] = [];
    let start = 0;
    const bytes = token.bytes;
    for (let i = 0; i < 7; i++) {
      const sep = bytes.indexOf(0x1f, start);
      if (sep === -1) throw new Error('malformed commit header from git log');
      fields.push(bytes.subarray(start, sep));
      start = sep + 1;
    }
    let messageEnd = bytes.length;
    if (!token.overflow && bytes[messageEnd - 1] === 0x1f) messageEnd--;
    const message = decodeText(bytes.subarray(start, messageEnd));
    const name = decodeText(fields[5]!);
    const email = decodeText(fields[6]!);
    this.commit = {
      sha: fields[1]!.toString('latin1'),
      parents: fields[2]!.toString('latin1').split(' ').filter(Boolean),
      authorTime: Number(fields[3]!.toString('latin1')),
      commitTime: Number(fields[4]!.toString('latin1')),
      authorName: name.text,
      authorEmail: email.text,
      message: message.text,
      messageNotUtf8: message.notUtf8 || token.overflow,
      changes: [],
      changesOmitted: 0,
      patchBytes: 0,
    };
    this.rawPathsListed = 0;
    this.headerIndex = -1;
    this.headersSeen.clear();
    this.current = undefined;
    this.keptCommitBytes = 0;
  }

  /** Returns false when the raw section ended (an empty field). */
  private rawToken(token: Token): boolean {
    const commit = this.commit!;
    if (this.pendingRaw) {
      this.pendingRaw.paths.push(Buffer.from(token.bytes));
      if (this.pendingRaw.paths.length === this.pendingRaw.needed) {
        this.addRawChange(this.pendingRaw.meta, this.pendingRaw.paths);
        this.pendingRaw = undefined;
      }
      return true;
    }
    if (token.bytes.length === 0) return false;
    const meta = token.bytes.toString('latin1');
    if (meta[0] !== ':') throw new Error(`malformed raw diff line from git log: ${meta.slice(0, 80)}`);
    const letter = meta[meta.length - 1] === ' ' ? '' : meta.slice(meta.lastIndexOf(' ') + 1)[0];
    const needed = letter === 'R' || letter === 'C' ? 2 : 1;
    this.pendingRaw = { meta, paths: [], needed };
    commit.patchBytes += token.bytes.length;
    return true;
  }

  private addRawChange(meta: string, paths: Buffer[]): void {
    const commit = this.commit!;
    if (this.rawPathsListed >= this.limits.maxFilesPerCommit) {
      commit.changesOmitted++;
      this.rawPathsListed++;
      return;
    }
    this.rawPathsListed++;
    // ":100644 100644 <old> <new> M" or "R086"
    const parts = meta.slice(1).split(' ');
    const statusField = parts[4] ?? '';
    const newPathBytes = paths[paths.length - 1]!;
    const decodedPath = decodeText(newPathBytes);
    const change: RawChange = {
      status: STATUS[statusField[0] ?? ''] ?? 'unknown',
      oldMode: parts[0] ?? '',
      newMode: parts[1] ?? '',
      oldBlob: parts[2] ?? '',
      newBlob: parts[3] ?? '',
      path: decodedPath.text,
      binary: false,
      submodule: parts[0] === '160000' || parts[1] === '160000',
      added: 0,
      deleted: 0,
      sample: [],
      truncated: false,
    };
    if (statusField.length > 1) change.score = Number(statusField.slice(1));
    if (decodedPath.notUtf8) change.rawPath = newPathBytes.toString('base64');
    if (paths.length === 2) change.oldPath = decodeText(paths[0]!).text;
    commit.changes.push(change);
  }

  private patchLine(token: Token): void {
    const commit = this.commit;
    if (!commit) return;
    const line = token.bytes;
    commit.patchBytes += line.length + 1;
    const first = line[0];
    if (first === 0x64 /* d */ && startsWith(line, 'diff --git ')) {
      this.startFilePatch(line);
      return;
    }
    const change = this.current;
    if (!change) return;
    if (!this.inHunk) {
      if (first === 0x40 /* @ */) this.startHunk(line, change);
      else if (startsWith(line, 'Binary files ')) change.binary = true;
      return;
    }
    switch (first) {
      case 0x2b /* + */:
        change.added++;
        this.lastSign = '+';
        this.keepLine(change, line, token.overflow, 'added');
        return;
      case 0x2d /* - */:
        change.deleted++;
        this.lastSign = '-';
        this.keepLine(change, line, token.overflow, 'removed');
        return;
      case 0x40 /* @ */:
        this.startHunk(line, change);
        return;
      case 0x5c /* \ No newline at end of file */:
        if (this.lastSign === '+') change.newNoEol = true;
        else if (this.lastSign === '-') change.oldNoEol = true;
        return;
      default:
        return;
    }
  }

  private startFilePatch(line: Buffer): void {
    const commit = this.commit!;
    this.inHunk = false;
    this.hunk = undefined;
    this.lastSign = undefined;
    this.keptHunkLines = 0;
    // A type change (file <-> symlink) is printed as a deletion and an addition of the same pair.
    const previous = this.headerIndex >= 0 ? commit.changes[this.headerIndex] : undefined;
    const repeat = previous?.status === 'typechange' && this.headersSeen.get(this.headerIndex) === 1;
    if (!repeat) this.headerIndex++;
    this.headersSeen.set(this.headerIndex, (this.headersSeen.get(this.headerIndex) ?? 0) + 1);
    let change = commit.changes[this.headerIndex];
    if (change && !headerNamesPath(line, change)) {
      // Order is git's diff queue order for both sections; this only guards against surprises.
      const found = commit.changes.findIndex((c) => headerNamesPath(line, c));
      if (found !== -1) {
        this.headerIndex = found;
        change = commit.changes[found];
      }
    }
    this.current = change;
    if (change && !change.submodule && !repeat && this.wantHunks(change)) change.hunks = [];
    if (change && !change.submodule && !repeat && !isNoiseCategory(categorizePath(change.path))) {
      change.wordText = [];
      change.wordBytes = 0;
    }
  }

  private startHunk(line: Buffer, change: RawChange): void {
    this.inHunk = true;
    this.lastSign = undefined;
    const match = HUNK_HEADER.exec(line.toString('latin1'));
    if (!match) {
      change.hunks = undefined;
      return;
    }
    if (!change.hunks) return;
    this.hunk = {
      oldStart: Number(match[1]),
      oldLines: match[2] === undefined ? 1 : Number(match[2]),
      newStart: Number(match[3]),
      newLines: match[4] === undefined ? 1 : Number(match[4]),
      removed: [],
      added: [],
    };
    change.hunks.push(this.hunk);
  }

  private keepLine(change: RawChange, line: Buffer, overflow: boolean, side: 'added' | 'removed'): void {
    if (change.wordText && change.wordBytes! < this.limits.wordBytesPerFile) {
      const end = 1 + this.limits.wordBytesPerFile - change.wordBytes!;
      let piece = line.toString('utf8', 1, Math.min(line.length, end));
      if (line.length > end) {
        // A cut can halve a token, and half a secret matches no pattern: the cut-off word goes.
        piece = withoutCutWord(piece);
        change.wordBytes = this.limits.wordBytesPerFile;
      } else {
        change.wordBytes! += piece.length + 1;
      }
      change.wordText.push(piece);
    }
    if (change.sample.length < this.limits.sampleLinesPerFile && !change.truncated) {
      const text = line.subarray(0, 200).toString('utf8').trimEnd();
      if (text.length > 1 && text.trim().length > 1) change.sample.push(text);
    }
    if (!change.hunks || !this.hunk) return;
    this.keptHunkLines++;
    this.keptCommitBytes += line.length;
    if (overflow || this.keptHunkLines > this.limits.maxHunkLinesPerFile || this.keptCommitBytes > this.limits.maxHunkBytesPerCommit) {
      // Too big to map to symbols exactly; an inexact pre-image would poison later commits.
      change.hunks = undefined;
      change.truncated = true;
      this.hunk = undefined;
      return;
    }
    this.hunk[side].push(line.toString('utf8', 1));
  }

  private finishCommit(done: RawCommit[]): void {
    this.pendingRaw = undefined;
    if (this.commit) done.push(this.commit);
    this.commit = undefined;
    this.current = undefined;
    this.hunk = undefined;
    this.inHunk = false;
  }
}

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'typechange',
};

/** `text` without the word it ends in (the one a cut went through). */
function withoutCutWord(text: string): string {
  let end = text.length;
  while (end > 0 && !WORD_BOUNDARY.has(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

const WORD_BOUNDARY = new Set([...' \t"\'`,;:()[]{}<>'].map((c) => c.charCodeAt(0)));

function startsWith(line: Buffer, prefix: string): boolean {
  if (line.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (line[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/** `diff --git a/<p> b/<p>`, possibly C-quoted; checks the header names this change's path. */
function headerNamesPath(line: Buffer, change: RawChange): boolean {
  const header = line.toString('latin1');
  const wanted = change.rawPath ? Buffer.from(change.rawPath, 'base64') : Buffer.from(change.path, 'utf8');
  const plain = wanted.toString('latin1');
  if (header.endsWith(` b/${plain}`)) return true;
  // C-quoted form: "b/caf\351.txt"
  return header.endsWith(`"b/${cQuote(wanted)}"`);
}

function cQuote(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}
