import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hunk } from '../../src/core/code/symbolParser.ts';

export interface FileDiff {
  hunks: Hunk[];
  /** "\ No newline at end of file" followed a removed line. */
  noEolBefore: boolean;
  /** "\ No newline at end of file" followed an added line. */
  noEolAfter: boolean;
}

const header = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Parses the `-U0` hunks of a single-file unified diff. Line texts keep a CRLF file's '\r'. */
export function parseUnifiedHunks(diff: string): FileDiff {
  const lines = diff.split('\n');
  const result: FileDiff = { hunks: [], noEolBefore: false, noEolAfter: false };
  let i = 0;
  while (i < lines.length) {
    const match = header.exec(lines[i] ?? '');
    i++;
    if (!match) continue;
    const hunk: Hunk = {
      oldStart: Number(match[1]),
      oldLines: match[2] === undefined ? 1 : Number(match[2]),
      newStart: Number(match[3]),
      newLines: match[4] === undefined ? 1 : Number(match[4]),
      removed: [],
      added: [],
    };
    // With -U0 a hunk is its removed lines then its added lines; counting (not prefix-sniffing)
    // keeps a removed line such as "-- x" from being taken for a header.
    let last: 'removed' | 'added' | undefined;
    while (hunk.removed.length < hunk.oldLines || hunk.added.length < hunk.newLines || lines[i]?.startsWith('\\')) {
      const line = lines[i++];
      if (line === undefined) throw new Error('Truncated hunk');
      if (line.startsWith('\\')) {
        if (last === 'removed') result.noEolBefore = true;
        if (last === 'added') result.noEolAfter = true;
      } else if (line.startsWith('-') && hunk.removed.length < hunk.oldLines) {
        hunk.removed.push(line.slice(1));
        last = 'removed';
      } else if (line.startsWith('+')) {
        hunk.added.push(line.slice(1));
        last = 'added';
      } else {
        throw new Error(`Unexpected hunk line ${JSON.stringify(line)}`);
      }
    }
    result.hunks.push(hunk);
  }
  return result;
}

/** Runs real `git diff --no-index -U0` on two texts and parses its hunks. */
export function gitDiffHunks(before: string, after: string): FileDiff {
  const dir = mkdtempSync(join(tmpdir(), 'coevolve-hunks-'));
  try {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    writeFileSync(a, before);
    writeFileSync(b, after);
    const run = spawnSync(
      'git',
      ['-c', 'core.autocrlf=false', '-c', 'diff.noprefix=false', 'diff', '--no-index', '--no-color', '--no-ext-diff', '--text', '-U0', a, b],
      { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir } },
    );
    // 1 means "differences found"; anything else but 0 is a failure.
    if (run.status !== 0 && run.status !== 1) throw new Error(`git diff failed: ${run.stderr}`);
    return parseUnifiedHunks(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
