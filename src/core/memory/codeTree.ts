import { CoevolveError } from '../errors.ts';
import { categorizePath } from '../git/fileCategory.ts';
import { gitAt, runGitBytes, runGitWith } from '../git/gitRunner.ts';
import { redactPath } from '../security/minedText.ts';
import { isSecretFile } from '../security/secretFiles.ts';

/** Bounds on what the code index holds: a file larger than this is not read, and so many files at most. */
export const MAX_CODE_FILE_BYTES = 512 * 1024;
export const MAX_CODE_FILES = 20_000;

export interface CodeBlob {
  path: string;
  /** The blob's id: the same id means the same bytes, so its index entry can be kept. */
  blob: string;
  /** Bytes, or undefined when ls-tree did not say. */
  size: number | undefined;
}

/**
 * The code files (source and tests) of a revision, with their blob ids, in ls-tree's order: one
 * `git ls-tree`, no file read. Left out: vendored, generated, binary by name, links, submodules, key
 * and credential files, and paths that hold something secret-looking (the index is kept on disk).
 */
export async function codeBlobsAt(root: string, revision: string): Promise<CodeBlob[]> {
  // ls-tree ignores what follows --end-of-options (git 2.39 prints nothing), so refuse options instead.
  if (revision.startsWith('-')) throw new CoevolveError('bad-input', `Not a revision: ${revision}`);
  const out = (await runGitBytes(root, ['ls-tree', '-r', '-z', '-l', '--full-tree', revision, '--'])).toString('utf8');
  const files: CodeBlob[] = [];
  for (const entry of out.split('\0')) {
    // <mode> SP <type> SP <object> SP+ <size> TAB <path>
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const [mode, type, blob, size] = entry.slice(0, tab).split(/ +/);
    const path = entry.slice(tab + 1);
    if (type !== 'blob' || mode === '120000' || !blob || !path || path.includes('\n') || !isCode(path)) continue;
    if (isSecretFile(path) || redactPath(path).count > 0) continue;
    files.push({ path, blob, size: size && /^\d+$/.test(size) ? Number(size) : undefined });
    if (files.length >= MAX_CODE_FILES) break;
  }
  return files;
}

/** The tree a revision points at (what identifies the code an index is built from), or undefined when there is no such revision. */
export async function treeOf(root: string, revision: string): Promise<string | undefined> {
  if (revision.startsWith('-')) return undefined;
  // --verify --quiet exits 1 for a name that does not resolve; anything else (not a repository) is an error.
  const { stdout, code } = await runGitWith(gitAt(root), ['rev-parse', '--verify', '--quiet', `${revision}^{tree}`], { okCodes: [1] });
  return code === 0 ? stdout.trim() || undefined : undefined;
}

export function isCode(path: string): boolean {
  const category = categorizePath(path);
  return category === 'source' || category === 'test';
}
