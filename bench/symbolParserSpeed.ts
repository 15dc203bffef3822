// Micro benchmark of the tree-sitter symbol layer: node --import tsx bench/symbolParserSpeed.ts
// Uses real sources where the machine has them (node_modules, the Python stdlib) and ~20 KB files
// built from the test samples otherwise, so every language gets a number.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { languageForPath, languageIds } from '../src/core/code/languages.ts';
import type { LanguageId } from '../src/core/code/languages.ts';
import { SymbolParser, hunkLineRanges } from '../src/core/code/symbolParser.ts';
import type { Hunk, ParsedFile } from '../src/core/code/symbolParser.ts';
import { codeSamples } from '../test/helpers/codeSamples.ts';
import { gitDiffHunks } from '../test/helpers/unifiedHunks.ts';

const targetBytes = 20 * 1024;

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function timeEach(runs: number, fn: () => void): number {
  for (let i = 0; i < Math.min(3, runs); i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(ms(start));
  }
  return median(times);
}

/** A ~20 KB file made of the sample repeated, minus the headers a language allows only once. */
function synthetic(text: string, id: LanguageId): string {
  let body = text;
  if (id === 'go') body = body.replace(/^package .*\n/m, '').replace(/^import \([^)]*\)\n/m, '');
  if (id === 'java') body = body.replace(/^(package|import) .*;\n/gm, '');
  if (id === 'php') body = body.replace(/^(<\?php|declare\(.*\);|namespace .*;|use .*;)\n/gm, '');
  let out = text;
  for (let i = 1; Buffer.byteLength(out) < targetBytes; i++) out += `\n${body.replace(/\b(Order|Cart|Panel|Legacy)\b/g, `$1${i}`)}`;
  return out;
}

function realFile(id: LanguageId): { path: string; text: string } | undefined {
  const candidates: Record<LanguageId, string[]> = {
    typescript: ['node_modules/minisearch/src/MiniSearch.ts'],
    tsx: [],
    javascript: ['node_modules/picomatch/lib/parse.js', 'node_modules/commander/lib/command.js'],
    python: pythonStdlib(['inspect.py', 'argparse.py']),
    go: [],
    rust: [],
    java: [],
    c: ['/usr/include/stdlib.h'],
    cpp: [],
    csharp: [],
    ruby: [],
    php: [],
    bash: ['/usr/bin/gettext.sh'],
  };
  for (const path of candidates[id]) if (existsSync(path)) return { path, text: readFileSync(path, 'utf8') };
  return undefined;
}

function pythonStdlib(names: string[]): string[] {
  try {
    const dirs = readdirSync('/usr/lib').filter((d) => /^python3\.\d+$/.test(d));
    return dirs.flatMap((d) => names.map((n) => join('/usr/lib', d, n)));
  } catch {
    return [];
  }
}

/** A one-line change in the middle of the file, as git -U0 would report it. */
function middleEdit(text: string): { after: string; hunks: Hunk[] } {
  const lines = text.split('\n');
  const at = Math.floor(lines.length / 2);
  const old = lines[at] ?? '';
  const changed = `${old} // edited`;
  lines[at] = changed;
  return { after: lines.join('\n'), hunks: [{ oldStart: at + 1, oldLines: 1, newStart: at + 1, newLines: 1, removed: [old], added: [changed] }] };
}

function pad(value: string | number, width: number): string {
  return String(value).padStart(width);
}

const createStart = process.hrtime.bigint();
const parser = await SymbolParser.create();
const initMs = ms(createStart);
console.log(`web-tree-sitter runtime init: ${initMs.toFixed(1)} ms`);
const grammarTimes = languageIds.map((id) => {
  const start = process.hrtime.bigint();
  parser.preload(id);
  return `${id} ${ms(start).toFixed(1)}`;
});
console.log(`grammar load (ms): ${grammarTimes.join(', ')}`);
console.log('');

const rows: string[] = [];
rows.push(
  [
    'language'.padEnd(11), 'file'.padEnd(36), pad('KB', 6), pad('parse ms', 9), pad('ms/KB', 7), pad('MB/s', 6),
    pad('pre ms', 7), pad('1 line µs', 10), pad('50 lines µs', 12), pad('outline µs', 11),
  ].join(' '),
);

for (const id of languageIds) {
  const sample = codeSamples.find((s) => languageForPath(s.path) === id);
  if (!sample) continue;
  const inputs = [{ path: sample.path, label: `synthetic ${sample.path.split('/').pop() ?? ''}`, text: synthetic(sample.text, id) }];
  const real = realFile(id);
  if (real) inputs.push({ path: real.path, label: real.path.split('/').slice(-2).join('/'), text: real.text });
  for (const input of inputs) {
    const kb = Buffer.byteLength(input.text) / 1024;
    const parseMs = timeEach(20, () => parser.parse(input.path, input.text).dispose());

    const { after, hunks } = middleEdit(input.text);
    const preTimes: number[] = [];
    for (let i = 0; i < 23; i++) {
      const post = parser.parse(input.path, after);
      const start = process.hrtime.bigint();
      const pre = post.toPreImage(hunks);
      const t = ms(start);
      if (pre.text !== input.text) throw new Error('round trip failed');
      pre.dispose();
      if (i >= 3) preTimes.push(t);
    }
    const preMs = median(preTimes);

    const file: ParsedFile = parser.parse(input.path, input.text);
    const middle = Math.floor(input.text.split('\n').length / 2);
    const oneLine = timeEach(200, () => file.symbolsInLines([{ start: middle, end: middle }])) * 1000;
    const fifty = timeEach(200, () => file.symbolsInLines([{ start: middle, end: middle + 49 }])) * 1000;
    const outline = timeEach(50, () => file.outline()) * 1000;
    file.dispose();

    rows.push(
      [
        id.padEnd(11), input.label.slice(0, 36).padEnd(36), pad(kb.toFixed(1), 6), pad(parseMs.toFixed(2), 9), pad((parseMs / kb).toFixed(3), 7),
        pad((kb / 1024 / (parseMs / 1000)).toFixed(1), 6), pad(preMs.toFixed(2), 7), pad(oneLine.toFixed(0), 10), pad(fifty.toFixed(0), 12), pad(outline.toFixed(0), 11),
      ].join(' '),
    );
  }
}
console.log(rows.join('\n'));
console.log('');
console.log('parse = full parse (median of 20); pre = toPreImage for a one-line edit in the middle (edit + incremental re-parse);');
console.log('1 line / 50 lines = symbolsInLines on the middle of the file; outline = outline() with the default cap.');
console.log('');
historySimulation();
parser.dispose();

// ---------- history simulation ----------

interface Change {
  path: string;
  before: string;
  after: string;
  hunks: Hunk[];
  noEolBefore: boolean;
}

/**
 * Builds a linear history of small random edits over the benchmark files, then times `git log -p`
 * against two ways of mining it newest-first: a full parse of every changed file, and chaining,
 * where the pre-image tree of one commit is reused as the post-image of the next older commit
 * touching the file (a miner would match them by blob id).
 */
function historySimulation(): void {
  const commits = 300;
  const next = seeded(42);
  const initial = new Map<string, string>();
  for (const id of languageIds) {
    const sample = codeSamples.find((s) => languageForPath(s.path) === id);
    if (sample) initial.set(sample.path, synthetic(sample.text, id));
    const real = realFile(id);
    if (real) initial.set(`real/${real.path.split('/').pop() ?? id}`, real.text);
  }
  const paths = [...initial.keys()];

  // Oldest first: each commit edits one to three files; hunks come from real git diffs.
  const current = new Map(initial);
  const changes: Change[][] = [];
  for (let c = 0; c < commits; c++) {
    const step = new Map<string, string>();
    const count = 1 + Math.floor(next() * 3);
    for (let k = 0; k < count; k++) {
      const path = paths[Math.floor(next() * paths.length)] ?? '';
      step.set(path, randomEdit(step.get(path) ?? current.get(path) ?? '', path, next));
    }
    const list: Change[] = [];
    for (const [path, after] of step) {
      const before = current.get(path) ?? '';
      const diff = gitDiffHunks(before, after);
      list.push({ path, before, after, hunks: diff.hunks, noEolBefore: diff.noEolBefore });
      current.set(path, after);
    }
    changes.push(list);
  }

  const dir = mkdtempSync(join(tmpdir(), 'coevolve-bench-'));
  try {
    const chunks: Buffer[] = [];
    let mark = 0;
    const commit = (files: Iterable<[string, string]>): void => {
      mark++;
      const message = `c${mark}`;
      chunks.push(Buffer.from(`commit refs/heads/main\nmark :${mark}\ncommitter A <a@example.com> ${1_600_000_000 + mark} +0000\ndata ${message.length}\n${message}\n`));
      for (const [path, text] of files) {
        const body = Buffer.from(text);
        chunks.push(Buffer.from(`M 100644 inline ${path}\ndata ${body.length}\n`), body, Buffer.from('\n'));
      }
      chunks.push(Buffer.from('\n'));
    };
    commit(initial);
    for (const list of changes) commit(list.map((c): [string, string] => [c.path, c.after]));
    execFileSync('git', ['init', '-q', '-b', 'main', dir]);
    execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: Buffer.concat(chunks) });

    const gitTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      execFileSync('git', ['log', '-p', '--no-color', '--no-ext-diff'], { cwd: dir, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
      gitTimes.push(ms(start));
    }
    const gitMs = median(gitTimes);
    const fileChanges = changes.reduce((n, list) => n + list.length, 0);

    // Newest first, as a miner reads `git log`.
    const mine = (chained: boolean): { total: number; fullParses: number } => {
      const cache = new Map<string, ParsedFile>();
      let fullParses = 0;
      const start = process.hrtime.bigint();
      for (let c = changes.length - 1; c >= 0; c--) {
        for (const change of changes[c] ?? []) {
          let post = chained ? cache.get(change.path) : undefined;
          cache.delete(change.path);
          if (!post || post.text !== change.after) {
            post?.dispose();
            post = parser.parse(change.path, change.after);
            fullParses++;
          }
          post.symbolsInLines(hunkLineRanges(change.hunks, 'new'));
          const pre = post.toPreImage(change.hunks, change.noEolBefore);
          pre.symbolsInLines(hunkLineRanges(change.hunks, 'old'));
          if (pre.text !== change.before) throw new Error(`round trip failed for ${change.path}`);
          if (chained) cache.set(change.path, pre);
          else pre.dispose();
        }
      }
      const total = ms(start);
      for (const f of cache.values()) f.dispose();
      return { total, fullParses };
    };
    mine(false);
    const naive = mine(false);
    const chained = mine(true);
    const totalKb = [...initial.values()].reduce((n, t) => n + Buffer.byteLength(t), 0) / 1024;
    console.log(`history simulation: ${commits} commits, ${fileChanges} file changes over ${initial.size} files (${totalKb.toFixed(0)} KB), small edits that keep the code valid`);
    console.log(`  git log -p (median of 5):                 ${gitMs.toFixed(0)} ms`);
    console.log(`  mining, full parse of every changed file: ${naive.total.toFixed(0)} ms (${(naive.total / gitMs).toFixed(1)}x git log -p, ${naive.fullParses} full parses)`);
    console.log(`  mining, chained pre-image -> next post:   ${chained.total.toFixed(0)} ms (${(chained.total / gitMs).toFixed(1)}x git log -p, ${chained.fullParses} full parses)`);
    console.log('  (mining times exclude reading blobs and diffs, which the caller gets from git)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A small edit that keeps the file parseable, as most real commits do: a comment line added or
 * removed, a comment appended to a line, or a whole function added before a top-level line.
 */
function randomEdit(text: string, path: string, next: () => number): string {
  const lines = text.split('\n');
  const comment = path.endsWith('.py') ? '#' : '//';
  const at = Math.floor(next() * lines.length);
  const n = Math.floor(next() * 100000);
  const choice = next();
  const indent = /^\s*/.exec(lines[at] ?? '')?.[0] ?? '';
  if (choice < 0.3) {
    lines[at] = `${lines[at] ?? ''} ${comment} tweak ${n}`;
  } else if (choice < 0.6) {
    lines.splice(at, 0, ...Array.from({ length: 1 + Math.floor(next() * 5) }, (_, i) => `${indent}${comment} note ${n} ${i}`));
  } else if (choice < 0.8) {
    const notes = lines.flatMap((l, i) => (l.trimStart().startsWith(`${comment} note`) ? [i] : []));
    const victim = notes[Math.floor(next() * notes.length)];
    if (victim !== undefined) lines.splice(victim, 1);
  } else {
    const sample = codeSamples.find((s) => languageForPath(s.path) === languageForPath(path));
    const top = lines.flatMap((l, i) => (i > 0 && lines[i - 1] === '' && /^[A-Za-z@#]/.test(l) ? [i] : []));
    const before = top[Math.floor(next() * top.length)] ?? lines.length;
    if (sample) lines.splice(before, 0, ...sample.added.text.replaceAll(sample.added.name, `${sample.added.name}${n}`).split('\n'), '');
  }
  return lines.join('\n');
}
