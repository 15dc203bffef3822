import { CoevolveError } from '../errors.ts';
import type { ChangedFile, ChangeStatus, SandboxDiff } from './sandbox.ts';

/** A `--raw` record: modes and blob ids of both sides (zeros on the side where there is none). */
export interface RawChange {
  status: string;
  oldMode: string;
  newMode: string;
  oldOid: string;
  path: string;
  /** The path before a rename or copy. */
  from?: string;
}

export interface ParsedDiff {
  diff: SandboxDiff;
  changes: RawChange[];
}

/** `git diff --raw -z -p` output of two trees: the patch, the files, and the raw records. */
export function parseTreeDiff(out: Buffer): ParsedDiff {
  const { changes, patchStart } = parseRaw(out);
  const patchBytes = out.subarray(patchStart);
  const files = changes.map(({ status, path, from }): ChangedFile => {
    const letter = status[0];
    if (letter === 'R' || letter === 'C') return { path, status: letter === 'R' ? 'renamed' : 'copied', from: from ?? path };
    return { path, status: STATUS[letter ?? ''] ?? 'modified' };
  });
  return { diff: { patch: patchBytes.toString('utf8'), patchBytes, files }, changes };
}

/**
 * Reads the `--raw -z` records at the head of `git diff --raw -z -p` output: `:modes oids STATUS`,
 * then one path (two for a rename or copy), each NUL-terminated; an empty field ends them.
 */
function parseRaw(out: Buffer): { changes: RawChange[]; patchStart: number } {
  const changes: RawChange[] = [];
  let at = 0;
  const field = (): string => {
    const end = out.indexOf(0, at);
    if (end < 0) throw new CoevolveError('git-failed', 'git diff printed a record without its end.');
    const text = out.toString('utf8', at, end);
    at = end + 1;
    return text;
  };
  while (at < out.length && out[at] === 0x3a /* ':' */) {
    const [oldMode = '', newMode = '', oldOid = '', , status = ''] = field().slice(1).split(' ');
    const letter = status[0];
    if (letter === 'R' || letter === 'C') {
      const from = field();
      changes.push({ status, oldMode, newMode, oldOid, path: field(), from });
    } else {
      changes.push({ status, oldMode, newMode, oldOid, path: field() });
    }
  }
  // The empty field between the records and the patch.
  if (at < out.length && out[at] === 0) at += 1;
  return { changes, patchStart: at };
}

const STATUS: Record<string, ChangeStatus> = { A: 'added', M: 'modified', D: 'deleted', T: 'type-changed' };
