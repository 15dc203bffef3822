// `npm run bench -- --only codeindex`: the code index (recall --content) kept in <store>/cache.
// Per repository, against the cold build (every file read and indexed, then saved) in the same run:
//  - warm load: a new process's first call on an unchanged HEAD (read the cache, check the tree);
//  - incremental: a new process's first call after one commit that changes one file (load, re-read
//    that file, save);
//  - in memory: the MCP server's or the editor's kept index moved by that one commit (no load, no save).
// The repositories: a clone of ../shared/repos/koa.bundle, the 5,000-file synthetic tree, this
// repository's own committed tree (no node_modules), and 8,000 real JavaScript files taken from this
// repository's node_modules (the size of the 7,800-file tree in issue #18). Each is cloned into .bench
// so the bench's commits stay there.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ContentIndex } from '../src/core/memory/contentIndex.ts';
import { CODE_INDEX_CACHE, loadCodeIndex, saveCodeIndex } from '../src/core/memory/contentIndexCache.ts';
import { median, ms, ratio } from './stats.ts';

interface Printer {
  line: (label: string, value: string, note?: string) => void;
  header: (title: string) => void;
}

const RUNS = 3;

export async function codeIndexFigures(work: string, sources: Array<{ name: string; repo: string | undefined }>, out: Printer): Promise<void> {
  for (const { name, repo } of sources) {
    if (!repo || !existsSync(repo)) {
      out.header(`Code index — ${name}: not at hand, skipped`);
      continue;
    }
    await oneRepository(work, name, repo, out);
  }
}

async function oneRepository(work: string, name: string, source: string, out: Printer): Promise<void> {
  const clone = join(work, 'codeindex', name);
  rmSync(clone, { recursive: true, force: true });
  execFileSync('git', ['clone', '-q', '--no-hardlinks', source, clone], { stdio: 'pipe' });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: clone, stdio: 'pipe' }).toString();
  const cold: number[] = [];
  const warm: number[] = [];
  const incremental: number[] = [];
  const inMemory: number[] = [];
  let files = 0;
  let cacheBytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const store = mkdtempSync(join(work, 'codeindex-store-'));
    try {
      let start = performance.now();
      const built = await ContentIndex.build(clone, 'HEAD');
      await saveCodeIndex(store, built);
      cold.push(performance.now() - start);
      files = built.lastUpdate?.files ?? 0;
      cacheBytes = statSync(join(store, ...CODE_INDEX_CACHE)).size;

      start = performance.now();
      const loaded = (await loadCodeIndex(store)).index!;
      const same = await loaded.update(clone, 'HEAD');
      warm.push(performance.now() - start);
      if (same.read !== 0) throw new Error(`the warm load read ${same.read} files`);

      const changed = oneCodeFile(clone, run);
      writeFileSync(join(clone, changed), `${readFileSync(join(clone, changed), 'utf8')}\n// bench change ${run}\n`);
      git('commit', '-q', '-am', `bench: change ${changed}`);
      start = performance.now();
      const fromDisk = (await loadCodeIndex(store)).index!;
      const moved = await fromDisk.update(clone, 'HEAD');
      await saveCodeIndex(store, fromDisk);
      incremental.push(performance.now() - start);
      if (moved.read !== 1) throw new Error(`one commit re-read ${moved.read} files`);

      start = performance.now();
      await loaded.update(clone, 'HEAD');
      inMemory.push(performance.now() - start);
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  }
  const base = median(cold);
  out.header(`Code index — ${name}: ${files} code files, cache ${(cacheBytes / 1024 / 1024).toFixed(1)} MiB (median of ${RUNS})`);
  out.line('cold build + save (baseline)', ms(base));
  out.line('warm load, HEAD unchanged', ms(median(warm)), ratio(median(warm), base));
  out.line('load + one changed file + save', ms(median(incremental)), ratio(median(incremental), base));
  out.line('kept in memory, one changed file', ms(median(inMemory)), ratio(median(inMemory), base));
  rmSync(clone, { recursive: true, force: true });
}

/** A code file of the tree to change, a different one each run. */
function oneCodeFile(clone: string, run: number): string {
  const paths = execFileSync('git', ['ls-files', '*.js', '*.ts'], { cwd: clone, encoding: 'utf8' })
    .split('\n')
    .filter((p) => p && !p.includes('test') && !p.includes('dist/'));
  if (paths.length === 0) throw new Error(`no code file in ${clone}`);
  return paths[(run * 7919) % paths.length]!;
}

/**
 * A repository of `count` real JavaScript files from `nodeModules` (none minified or over 200 KB), made
 * once. Build-output folder names are renamed so the index does not skip the files as generated.
 */
export function nodeModulesCorpus(work: string, nodeModules: string, count = 8_000): string | undefined {
  const dir = join(work, `codeindex-corpus-${count}`);
  if (existsSync(join(dir, '.git'))) return dir;
  if (!existsSync(nodeModules)) return undefined;
  rmSync(dir, { recursive: true, force: true });
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (found.length >= count) return;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.js') && !entry.name.endsWith('.min.js') && statSync(path).size < 200_000) found.push(path);
    }
  };
  walk(nodeModules);
  for (const path of found) {
    const target = join(dir, 'src', relative(nodeModules, path).replace(/(^|\/)(dist|build|out|lib|node_modules|vendor|generated|gen|coverage|target)\//g, '$1$2-src/'));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path, target);
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'corpus');
  return dir;
}
