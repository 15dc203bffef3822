/**
 * A fast first-parent history of up to 500,000 commits for the scale benchmark (issue #21), written
 * through one `git fast-import` stream. Leaner than syntheticRepo.ts on purpose: files are tiny
 * functions in .ts, .py, .go and .c, each commit bumps a function's "version" (one to four lines
 * change), so fast-import stays quick and blobs small. Messages are conventional commits that name
 * the file or function they touch, so recall has something to find. Deterministic by seed.
 * CLI: node --import tsx bench/corpus/scaleRepo.ts <dir> <commits> [seed]
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { FileChange, Ident } from './fastImport.ts';
import { FastImport } from './fastImport.ts';
import { Rng } from './prng.ts';
import type { Domain } from './vocabulary.ts';
import { ADJECTIVES, AUTHORS, DOMAINS, GENERIC_NOUNS, PROPS, ROLES, VERBS, camel, capitalize, gerund, pascal, plural, snake } from './vocabulary.ts';

const run = promisify(execFile);

export interface ScaleRepoOptions {
  /** First-parent commits on main (there are no merges: every commit is first-parent). */
  commits: number;
  seed?: number;
  /** Files in the tree once imported (default 20,000, fewer for tiny histories). */
  files?: number;
}

export interface ScaleRepoResult {
  dir: string;
  commits: number;
  files: number;
  seconds: number;
}

type Lang = 'ts' | 'py' | 'go' | 'c';
const LANG_WEIGHTS: Record<Lang, number> = { ts: 4, py: 3, go: 2, c: 1 };
const FILES_PER_FOLDER = 65;
const MAX_FUNCTIONS = 8;
const SUBS = ['core', 'api', 'model', 'store', 'util', 'io', 'cli', 'jobs', 'rules', 'views', 'adapters', 'codec', 'client', 'server', 'policy', 'cache'];
const KIND_WEIGHTS = { fix: 40, feat: 20, refactor: 11, perf: 5, docs: 5, chore: 6, revert: 0.6, rename: 0.4, remove: 0.25, add: 0.7 };
type Kind = keyof typeof KIND_WEIGHTS;
const DOC_PHRASES = ['keeps the hot path allocation-free', 'is safe to call concurrently', 'never throws on bad input', 'caches results per request', 'validates before it writes', 'logs at debug level only'];
const START = Date.UTC(2016, 0, 4, 9, 0, 0) / 1000;
const SPAN = 8 * 365 * 24 * 3600;

interface Folder {
  path: string;
  domain: Domain;
  lang: Lang;
  files: SourceFile[];
}

interface SourceFile {
  path: string;
  folder: Folder;
  noun: string;
  role: string;
  fns: string[];
  /** Per function: bumping it rewrites one to four lines of that function. */
  versions: number[];
  doc: number;
  /** The commit that last changed this file, so a revert only undoes an untouched change. */
  touched: number;
}

interface Snapshot {
  file: SourceFile;
  fns: string[];
  versions: number[];
  doc: number;
}

interface Revertible {
  seq: number;
  mark: number;
  subject: string;
  before: Snapshot[];
}

interface Planned {
  kind: Kind;
  subject: string;
  body?: string;
  changes: FileChange[];
  before?: Snapshot[];
}

const ext = (lang: Lang): string => lang;

function fnName(lang: Lang, domain: string, ws: string[]): string {
  if (lang === 'ts') return camel(ws);
  if (lang === 'go') return pascal(ws);
  if (lang === 'c') return snake([domain, ...ws]);
  return snake(ws);
}

function fileName(lang: Lang, ws: string[]): string {
  return `${lang === 'ts' ? camel(ws) : snake(ws)}.${ext(lang)}`;
}

function folderPath(lang: Lang, domain: string, sub: string): string {
  if (lang === 'ts') return `packages/${domain}/src/${sub}`;
  if (lang === 'py') return `services/${domain}/${sub}`;
  if (lang === 'go') return `internal/${domain}/${sub}`;
  return `native/${domain}/${sub}`;
}

/** One function's text for its version: the constant always changes, the guard lines come and go. */
function renderFunction(file: SourceFile, index: number): string[] {
  const lang = file.folder.lang;
  const fn = file.fns[index]!;
  const v = file.versions[index]!;
  const generic = GENERIC_NOUNS[(index * 7 + fn.length) % GENERIC_NOUNS.length]!;
  // A local named like the parameter would shadow it (and not compile in Go).
  const local = generic === file.noun ? 'result' : generic;
  const n = (v * 7919 + fn.length * 104729) % 10007;
  const k = v % 13;
  const extras = (v >> 1) % 3;
  const prop = PROPS[(v + index) % PROPS.length]!;
  const noun = file.noun;
  switch (lang) {
    case 'ts':
      return [
        `export function ${fn}(input: ${pascal([noun])}Input): number {`,
        `  let ${local} = ${n};`,
        ...(extras > 0 ? [`  if (input.${prop} > ${k}) ${local} += ${k};`] : []),
        ...(extras > 1 ? [`  trace('${fn}', ${local});`] : []),
        `  return ${local};`,
        '}',
      ];
    case 'py':
      return [
        `def ${fn}(${noun}):`,
        `    ${local} = ${n}`,
        ...(extras > 0 ? [`    if ${noun}.${snake([prop.toLowerCase()])} > ${k}:`, `        ${local} += ${k}`] : []),
        ...(extras > 1 ? [`    trace("${fn}", ${local})`] : []),
        `    return ${local}`,
      ];
    case 'go':
      return [
        `func ${fn}(${noun} int) int {`,
        `\t${local} := ${n}`,
        ...(extras > 0 ? [`\tif ${noun} > ${k} {`, `\t\t${local} += ${k}`, '\t}'] : []),
        ...(extras > 1 ? [`\ttrace("${fn}", ${local})`] : []),
        `\treturn ${local}`,
        '}',
      ];
    case 'c':
      return [
        `int ${fn}(int ${noun})`,
        '{',
        `    int ${local} = ${n};`,
        ...(extras > 0 ? [`    if (${noun} > ${k}) ${local} += ${k};`] : []),
        ...(extras > 1 ? [`    trace("${fn}", ${local});`] : []),
        `    return ${local};`,
        '}',
      ];
  }
}

function render(file: SourceFile): string {
  const { lang, domain } = file.folder;
  const header = `${file.noun} ${file.role.toLowerCase()} for ${domain.name}: ${DOC_PHRASES[file.doc % DOC_PHRASES.length]}`;
  const out: string[] = [];
  if (lang === 'ts') out.push(`// ${header}`, `import { trace } from '../../trace';`);
  else if (lang === 'py') out.push(`"""${header}"""`, 'from shared.trace import trace');
  else if (lang === 'go') out.push(`// ${header}`, `package ${domain.name}`);
  else out.push(`/* ${header} */`, `#include "${domain.name}.h"`);
  for (let i = 0; i < file.fns.length; i++) out.push('', ...(lang === 'py' ? [''] : []), ...renderFunction(file, i));
  return `${out.join('\n')}\n`;
}

class ScaleHistory {
  private readonly rng: Rng;
  private readonly folders: Folder[] = [];
  /** Every live file; a file's place sets its heat (low indexes take most edits). */
  private readonly files: SourceFile[] = [];
  private readonly recent: Revertible[] = [];
  private seq = 0;
  private time = START;
  private issue = 100;

  constructor(
    private readonly fi: FastImport,
    private readonly commits: number,
    private readonly fileCount: number,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  async run(): Promise<void> {
    this.plantFolders();
    // One commit per folder brings the tree in, as modules are added over a project's first weeks.
    for (const folder of this.folders) {
      if (this.seq >= this.commits) break;
      const sub = folder.path.slice(folder.path.lastIndexOf('/') + 1);
      await this.emit({ kind: 'add', subject: `feat(${folder.domain.name}): add ${sub} module`, changes: folder.files.map((f) => ({ path: f.path, content: render(f) })) });
    }
    this.rng.shuffle(this.files);
    while (this.seq < this.commits) await this.emit(await this.plan());
  }

  private plantFolders(): void {
    const count = Math.max(1, Math.ceil(this.fileCount / FILES_PER_FOLDER));
    for (let i = 0; i < count; i++) {
      const domain = DOMAINS[i % DOMAINS.length]!;
      const round = Math.floor(i / DOMAINS.length);
      const sub = `${SUBS[round % SUBS.length]}${round >= SUBS.length ? Math.floor(round / SUBS.length) + 1 : ''}`;
      const lang = this.rng.weighted(LANG_WEIGHTS);
      const folder: Folder = { path: folderPath(lang, domain.name, sub), domain, lang, files: [] };
      this.folders.push(folder);
      const perFolder = Math.min(FILES_PER_FOLDER, this.fileCount - i * FILES_PER_FOLDER);
      const names = new Set<string>();
      while (folder.files.length < perFolder) {
        const file = this.newFile(folder, names);
        if (file) folder.files.push(file);
      }
      this.files.push(...folder.files);
    }
  }

  /** A new file with a name not yet in `taken` (undefined on a clash: the caller draws again). */
  private newFile(folder: Folder, taken: Set<string>): SourceFile | undefined {
    const noun = this.rng.pick(folder.domain.nouns);
    const role = this.rng.pick(ROLES);
    const suffix = taken.size >= folder.domain.nouns.length * ROLES.length / 2 ? [String(taken.size)] : [];
    const name = fileName(folder.lang, [noun, role.toLowerCase(), ...suffix]);
    if (taken.has(name)) return undefined;
    taken.add(name);
    const file: SourceFile = { path: `${folder.path}/${name}`, folder, noun, role, fns: [], versions: [], doc: this.rng.int(0, 5), touched: -1 };
    const fnCount = this.rng.int(2, 4);
    while (file.fns.length < fnCount) this.addFunction(file);
    return file;
  }

  /** Adds a function named unlike any in the file and unlike `avoid` (the name a rename replaces). */
  private addFunction(file: SourceFile, avoid?: string): string {
    for (;;) {
      const words = [this.rng.pick(VERBS), ...(this.rng.chance(0.3) ? [this.rng.pick(ADJECTIVES)] : []), file.noun];
      const fn = fnName(file.folder.lang, file.folder.domain.name, words);
      if (file.fns.includes(fn) || fn === avoid) continue;
      file.fns.push(fn);
      file.versions.push(this.rng.int(0, 50));
      return fn;
    }
  }

  /** A heat-skewed file: the cube of a uniform draw puts about a fifth of all edits on 1% of files. */
  private hotFile(): SourceFile {
    return this.files[Math.floor(this.files.length * this.rng.next() ** 3)]!;
  }

  private async plan(): Promise<Planned> {
    const kind = this.rng.weighted(KIND_WEIGHTS);
    if (kind === 'revert') return (await this.revert()) ?? this.edit('fix');
    if (kind === 'rename' || kind === 'remove' || kind === 'add') return this.structural(kind);
    return this.edit(kind);
  }

  private scope(file: SourceFile): string {
    const roll = this.rng.next();
    return roll < 0.75 ? file.folder.domain.name : roll < 0.95 ? this.rng.pick(file.folder.domain.aliases) : '';
  }

  /** One to four files (the first heat-drawn, most others beside it) each get one function changed. */
  private edit(kind: Exclude<Kind, 'revert' | 'rename' | 'remove' | 'add'>): Planned {
    const first = this.hotFile();
    const count = this.rng.weighted({ 1: 55, 2: 25, 3: 13, 4: 7 });
    const touched = new Set([first]);
    for (let i = 1; i < Number(count); i++) touched.add(this.rng.chance(0.7) ? this.rng.pick(first.folder.files) : this.hotFile());
    const before = [...touched].map(snapshot);
    let fn = '';
    let renamedFrom = '';
    for (const file of touched) {
      const i = this.rng.int(0, file.fns.length - 1);
      if (file === first && kind === 'feat' && file.fns.length < MAX_FUNCTIONS) fn = this.addFunction(file);
      else if (file === first && kind === 'refactor' && this.rng.chance(0.4)) {
        renamedFrom = file.fns[i]!;
        file.fns.splice(i, 1);
        file.versions.splice(i, 1);
        fn = this.addFunction(file, renamedFrom);
      } else if (kind === 'docs') file.doc++;
      else file.versions[i] = file.versions[i]! + 1;
      if (file === first && !fn) fn = file.fns[i]!;
    }
    const scope = this.scope(first);
    const head = (type: string) => `${type}${scope ? `(${scope})` : ''}: `;
    const noun = this.rng.chance(0.25) ? (first.folder.domain.synonyms[first.noun] ?? first.noun) : first.noun;
    const adj = this.rng.pick(ADJECTIVES);
    const base = first.path.slice(first.path.lastIndexOf('/') + 1);
    const subjects: Record<typeof kind, string[]> = {
      fix: [`handle ${adj} ${noun} in \`${fn}\``, `${fn} returns the wrong ${this.rng.pick(PROPS)} for ${adj} ${plural(noun)}`, `guard against ${adj} ${noun} in ${base}`, `avoid a crash in ${fn} when the ${noun} is ${adj}`],
      feat: [`add ${fn}`, `support ${adj} ${plural(noun)} in ${fn}`],
      refactor: renamedFrom ? [`rename ${renamedFrom} to ${fn}`] : [`simplify ${fn}`, `split ${gerund(this.rng.pick(VERBS))} out of ${fn}`],
      perf: [`speed up ${gerund(this.rng.pick(VERBS))} ${plural(noun)} in ${fn}`],
      docs: [`document what ${base} guarantees`],
      chore: [`tidy ${base}`, `bump the ${noun} limits in ${fn}`],
    };
    const subject = head(kind) + this.rng.pick(subjects[kind]);
    const body = this.rng.chance(0.35)
      ? `${capitalize(gerund(this.rng.pick(VERBS)))} ${/^[aeiou]/.test(adj) ? 'an' : 'a'} ${adj} ${noun} in ${first.path} went wrong in ${fn}.${this.rng.chance(0.4) ? `\n\nFixes #${this.issue++}.` : ''}`
      : undefined;
    return { kind, subject, ...(body ? { body } : {}), changes: [...touched].map((f) => ({ path: f.path, content: render(f) })), before };
  }

  private structural(kind: 'rename' | 'remove' | 'add'): Planned {
    const file = this.hotFile();
    const folder = file.folder;
    const taken = new Set(folder.files.map((f) => f.path.slice(f.path.lastIndexOf('/') + 1)));
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (kind === 'remove' && folder.files.length > 2) {
      this.forget(file);
      return { kind, subject: `chore(${folder.domain.name}): remove unused ${base}`, changes: [{ path: file.path }] };
    }
    const fresh = this.newFile(folder, taken);
    if (!fresh) return this.edit('fix');
    const freshBase = fresh.path.slice(fresh.path.lastIndexOf('/') + 1);
    if (kind === 'rename') {
      // Same content under the new name, so git's rename detection pairs them.
      Object.assign(fresh, { fns: file.fns, versions: file.versions, doc: file.doc, noun: file.noun });
      this.forget(file);
      this.files.splice(Math.floor(this.rng.next() * this.files.length), 0, fresh);
      folder.files.push(fresh);
      return { kind, subject: `refactor(${folder.domain.name}): move ${base} to ${freshBase}`, changes: [{ path: file.path }, { path: fresh.path, content: render(fresh) }] };
    }
    this.files.splice(Math.floor(this.rng.next() * this.files.length), 0, fresh);
    folder.files.push(fresh);
    return { kind: 'add', subject: `feat(${folder.domain.name}): add ${fresh.noun} ${fresh.role.toLowerCase()} (${freshBase})`, changes: [{ path: fresh.path, content: render(fresh) }] };
  }

  private forget(file: SourceFile): void {
    this.files.splice(this.files.indexOf(file), 1);
    file.folder.files.splice(file.folder.files.indexOf(file), 1);
    file.touched = Number.MAX_SAFE_INTEGER;
  }

  /** Undoes a recent edit whose files nothing has changed since, naming it by its real sha. */
  private async revert(): Promise<Planned | undefined> {
    for (let tries = 0; tries < 4 && this.recent.length > 0; tries++) {
      const at = this.recent.length - 1 - Math.floor(this.rng.next() ** 2 * this.recent.length);
      const target = this.recent[at]!;
      if (!target.before.every((s) => s.file.touched === target.seq)) continue;
      this.recent.splice(at, 1);
      const sha = await this.fi.sha(target.mark);
      for (const s of target.before) Object.assign(s.file, { fns: s.fns, versions: s.versions, doc: s.doc });
      const reason = this.rng.chance(0.5) ? `\n\n${capitalize(this.rng.pick(ADJECTIVES))} ${plural(target.before[0]!.file.noun)} broke after it.` : '';
      return { kind: 'revert', subject: `Revert "${target.subject}"`, body: `This reverts commit ${sha}.${reason}`, before: target.before, changes: target.before.map((s) => ({ path: s.file.path, content: render(s.file) })) };
    }
    return undefined;
  }

  private async emit(planned: Planned): Promise<void> {
    const seq = this.seq++;
    const mark = seq + 1;
    this.time += this.rng.int(1, Math.max(2, Math.floor((2 * SPAN) / this.commits)));
    const who = this.author();
    const message = `${planned.subject}\n${planned.body ? `\n${planned.body}\n` : ''}`;
    await this.fi.commit({ ref: 'refs/heads/main', mark, author: who, committer: who, time: this.time, message, ...(seq > 0 ? { from: mark - 1 } : {}), changes: planned.changes });
    for (const change of planned.changes) {
      const file = planned.before?.find((s) => s.file.path === change.path)?.file;
      if (file) file.touched = seq;
    }
    if (planned.before && planned.kind !== 'revert') {
      this.recent.push({ seq, mark, subject: planned.subject, before: planned.before });
      if (this.recent.length > 200) this.recent.shift();
    }
  }

  private author(): Ident {
    const total = AUTHORS.reduce((sum, a) => sum + a.weight, 0);
    let r = this.rng.next() * total;
    for (const a of AUTHORS) if ((r -= a.weight) < 0) return a;
    return AUTHORS[0]!;
  }
}

function snapshot(file: SourceFile): Snapshot {
  return { file, fns: [...file.fns], versions: [...file.versions], doc: file.doc };
}

/** Builds the history into `dir` (empty or missing). */
export async function createScaleRepo(dir: string, options: ScaleRepoOptions): Promise<ScaleRepoResult> {
  const started = performance.now();
  const target = resolve(dir);
  if (!Number.isInteger(options.commits) || options.commits < 1) throw new Error(`commits must be a positive integer, got ${options.commits}`);
  await mkdir(target, { recursive: true });
  if ((await readdir(target)).length > 0) throw new Error(`${target} is not empty`);
  // Small histories get fewer files, so the import commits leave room for edits.
  const files = options.files ?? Math.min(20_000, Math.max(FILES_PER_FOLDER, Math.floor(options.commits / 4) * FILES_PER_FOLDER));
  await run('git', ['init', '--quiet', '--initial-branch=main', target]);
  const fi = new FastImport(target);
  await new ScaleHistory(fi, options.commits, files, options.seed ?? 1).run();
  await fi.end();
  await run('git', ['reset', '--hard', '--quiet', 'main'], { cwd: target });
  return { dir: target, commits: options.commits, files, seconds: Math.round((performance.now() - started) / 10) / 100 };
}

/**
 * The history of `commits` commits under `dir`, built once: it is made beside `dir` and renamed into
 * place only when whole, so an interrupted build is never mistaken for a cached one.
 */
export async function cachedScaleRepo(dir: string, commits: number, seed = 42): Promise<{ dir: string; built?: ScaleRepoResult }> {
  const target = resolve(dir);
  if (existsSync(resolve(target, '.git'))) return { dir: target };
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  const built = await createScaleRepo(partial, { commits, seed });
  const { stdout } = await run('git', ['rev-list', '--first-parent', '--count', 'main'], { cwd: partial });
  if (Number(stdout.trim()) !== commits) throw new Error(`the scale history has ${stdout.trim()} first-parent commits, expected ${commits}`);
  await rm(target, { recursive: true, force: true });
  await rename(partial, target);
  return { dir: target, built: { ...built, dir: target } };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [dir, commits, seed] = process.argv.slice(2);
  if (!dir || !commits) {
    console.error('usage: node --import tsx bench/corpus/scaleRepo.ts <dir> <commits> [seed]');
    process.exit(2);
  }
  createScaleRepo(dir, { commits: Number(commits), ...(seed ? { seed: Number(seed) } : {}) }).then(
    (result) => console.log(JSON.stringify(result)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
