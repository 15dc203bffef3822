import { CoevolveError } from '../errors.ts';
import type { ChangedFile, ChangeStatus, SandboxDiff } from './sandbox.ts';

/** `git diff` of two trees as raw records and a binary patch, from one process (see parseTreeDiff). */
export const TREE_DIFF_ARGS = ['diff', '--raw', '-z', '--no-abbrev', '-p', '--binary', '--full-index', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/'] as const;

const STATUS: Record<string, ChangeStatus> = { A: 'added', M: 'modified', D: 'deleted', T: 'type-changed' };

/**
 * `git diff --raw -z -p` output of two trees: the `--raw -z` records come first (`:modes oids
 * STATUS`, then one path, two for a rename or copy, each NUL-terminated), an empty field ends them,
 * then the patch.
 */
export function parseTreeDiff(out: Buffer): SandboxDiff {
  const files: ChangedFile[] = [];
  let at = 0;
  const field = (): string => {
    const end = out.indexOf(0, at);
    if (end < 0) throw new CoevolveError('git-failed', 'git diff printed a record without its end.');
    const text = out.toString('utf8', at, end);
    at = end + 1;
    return text;
  };
  while (at < out.length && out[at] === 0x3a /* ':' */) {
    const letter = field().split(' ')[4]?.[0] ?? '';
    if (letter === 'R' || letter === 'C') {
      const from = field();
      files.push({ path: field(), status: letter === 'R' ? 'renamed' : 'copied', from });
    } else {
      files.push({ path: field(), status: STATUS[letter] ?? 'modified' });
    }
  }
  // The empty field between the records and the patch.
  if (at < out.length && out[at] === 0) at += 1;
  const patchBytes = out.subarray(at);
  return { patch: patchBytes.toString('utf8'), patchBytes, files };
}
