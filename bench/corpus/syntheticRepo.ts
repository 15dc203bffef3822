/**
 * Builds a synthetic multi-language git history with `git fast-import`, for mining benchmarks.
 * CLI: node --import tsx bench/corpus/syntheticRepo.ts <dir> <commits> [seed]
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { ClassUnit, CodeFile, Lang, Unit } from './codeModel.ts';
import { addTestCase, allUnits, fnName, freshBlock, makeSourceFile, makeTestFile, makeUnit, renderCode, replaceIdentifier } from './codeModel.ts';
import type { FileChange, Ident } from './fastImport.ts';
import { FastImport } from './fastImport.ts';
import { Rng } from './prng.ts';
import type { ApiType, Dep } from './syntheticFiles.ts';
import {
  bumpVersion, bundleSegments, ciWorkflow, domainDoc, initialApiTypes, initialCargoDeps, initialGoDeps, initialMavenDeps, initialNpmDeps, makefile, pngImage, readme,
  rebuildBundle, renderApiTypes, renderBundle, renderCargoLock, renderCargoToml, renderGoMod, renderGoSum, renderPackageJson, renderPackageLock, renderPbGo, renderPom,
} from './syntheticFiles.ts';
import type { Domain } from './vocabulary.ts';
import { ADJECTIVES, AUTHORS, BOT, DOMAINS, PROPS, ROLES, UI_ROLES, VERBS, camel, capitalize, gerund, kebab, pascal, plural, snake, thirdPerson } from './vocabulary.ts';

const run = promisify(execFile);

export interface SyntheticRepoOptions {
  /** First-parent commits on main, merges included. */
  commits: number;
  seed?: number;
}

export interface SyntheticRepoResult {
  dir: string;
  commits: number;
  seconds: number;
}

interface TextFile {
  kind: 'text';
  lines: string[];
}
interface RawFile {
  kind: 'raw';
  data: Buffer;
}
type RepoFile = CodeFile | TextFile | RawFile;

interface SourceMeta {
  domain: Domain;
  lang: Lang;
  baseWords: string[];
  dir: string;
  /** Relative change frequency: a few hot files take most edits, as in real projects. */
  heat: number;
}

interface Message {
  subject: string;
  body?: string;
  author?: Ident;
  /** Structural commits (adds, deletes, renames) are never reverted. */
  structural?: boolean;
}

interface CommitRecord {
  seq: number;
  mark: number;
  subject: string;
  before: Map<string, RepoFile | null>;
  revertible: boolean;
}

interface Staged {
  msg: Message;
  changes: FileChange[];
  before: Map<string, RepoFile | null>;
}

class Locked extends Error {}

const KIND_WEIGHTS = { fix: 26, feat: 18, refactor: 10, large: 1.2, test: 7, docs: 5, perf: 3, deps: 5, ci: 2, bundle: 1.5, asset: 0.5, vendor: 0.6, generated: 1.5, delete: 1.5, vague: 3, style: 1 };
type Kind = keyof typeof KIND_WEIGHTS;

const START = Date.UTC(2019, 2, 4, 9, 12, 0) / 1000;
const SPAN = 5 * 365 * 24 * 3600;
const LANG_WEIGHTS: Record<Lang, number> = { ts: 3, py: 2.2, go: 2, java: 1.4, rs: 1.2, tsx: 1.5, js: 1 };

function fileName(lang: Lang, ws: string[]): string {
  switch (lang) {
    case 'ts':
      return `${camel(ws)}.ts`;
    case 'tsx':
      return `${pascal(ws)}.tsx`;
    case 'js':
      return `${kebab(ws)}.js`;
    case 'py':
    case 'go':
    case 'rs':
      return `${snake(ws)}.${lang}`;
    case 'java':
      return `${pascal(ws)}.java`;
  }
}

function defaultDir(lang: Lang, domain: string): string {
  switch (lang) {
    case 'ts':
      return `packages/${domain}/src`;
    case 'tsx':
      return `apps/web/src/components/${domain}`;
    case 'js':
      return `apps/cli/src/${domain}`;
    case 'py':
      return `services/py/acme/${domain}`;
    case 'go':
      return `internal/${domain}`;
    case 'rs':
      return `crates/${domain}/src`;
    case 'java':
      return `services/jvm/src/main/java/com/acme/${domain}`;
  }
}

function testPathFor(lang: Lang, path: string, domain: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dir = path.slice(0, path.lastIndexOf('/'));
  switch (lang) {
    case 'ts':
    case 'tsx':
    case 'js':
      return path.replace(/\.(tsx?|js)$/, '.test.$1');
    case 'py':
      return `services/py/tests/${domain}/test_${base}`;
    case 'go':
      return path.replace(/\.go$/, '_test.go');
    case 'rs':
      return `${dir.replace(/\/src(\/.*)?$/, '/tests')}/${base}`;
    case 'java':
      return path.replace('/src/main/', '/src/test/').replace(/\.java$/, 'Test.java');
  }
}

function cloneUnit(u: Unit): Unit {
  return { ...u, words: [...u.words], params: u.params.map((p) => ({ ...p })), body: u.body.map((b) => [...b]), tail: [...u.tail] };
}

/** Snapshots a file; strings are immutable, so copying the arrays is enough (and far cheaper than structuredClone). */
function cloneFile(file: RepoFile | null | undefined): RepoFile | null {
  if (!file) return null;
  if (file.kind === 'raw') return { kind: 'raw', data: file.data };
  if (file.kind === 'text') return { kind: 'text', lines: [...file.lines] };
  return {
    ...file,
    imports: [...file.imports],
    consts: [...file.consts],
    decls: file.decls.map((d) => [...d]),
    classes: file.classes.map((c) => ({ ...c, fields: [...c.fields], methods: c.methods.map(cloneUnit) })),
    functions: file.functions.map(cloneUnit),
  };
}

function renderFile(path: string, file: RepoFile): string | Buffer {
  if (file.kind === 'code') return renderCode(file, path);
  if (file.kind === 'raw') return file.data;
  return `${file.lines.join('\n')}\n`;
}

class Simulator {
  readonly rng: Rng;
  readonly files = new Map<string, RepoFile>();
  readonly sources = new Map<string, SourceMeta>();
  /** Subject path to test path. */
  readonly tests = new Map<string, string>();
  readonly domainLangs = new Map<string, Lang[]>();
  private touched = new Map<string, RepoFile | null>();
  /** Last rendering of each path, so a commit only renders what it touched once. */
  private readonly rendered = new Map<string, string | Buffer>();
  private locked = new Set<string>();
  private readonly lastTouched = new Map<string, number>();
  private readonly history: CommitRecord[] = [];
  private readonly releaseNotes: string[] = [];
  private readonly fi: FastImport;
  private mark = 0;
  private mainHead = 0;
  private seq = 0;
  private time = START;
  private readonly gap: number;
  private prNumber = 12;
  private issueNumber = 3;
  private version = [0, 1, 0];
  private nextRelease = 40;
  private readonly npmDeps: Dep[];
  private readonly goDeps: Dep[];
  private readonly cargoDeps: Dep[];
  private readonly mavenDeps: Dep[];
  private readonly apiTypes: ApiType[];
  private readonly bundle: string[];
  private ciNode = 16;
  private ciSteps: string[] = [];
  private makeTargets = ['test', 'lint', 'build'];
  private addRate: number;
  private readonly vendorVersions = new Map<string, string>();
  private readonly renamedShared = new Set<string>();

  constructor(
    private readonly total: number,
    seed: number,
    dir: string,
  ) {
    this.rng = new Rng(seed);
    this.fi = new FastImport(dir);
    this.gap = SPAN / (total * 1.08);
    this.addRate = Math.min(0.25, 110 / total);
    this.npmDeps = initialNpmDeps(this.rng);
    this.goDeps = initialGoDeps(this.rng);
    this.cargoDeps = initialCargoDeps(this.rng);
    this.mavenDeps = initialMavenDeps(this.rng);
    this.apiTypes = initialApiTypes(this.rng, DOMAINS.slice(0, 8));
    this.bundle = bundleSegments(this.rng, 900);
  }

  // ---- model access -------------------------------------------------------------------------

  private touch(path: string): void {
    if (this.locked.has(path)) throw new Locked(path);
    if (!this.touched.has(path)) this.touched.set(path, cloneFile(this.files.get(path)));
  }

  private code(path: string): CodeFile {
    this.touch(path);
    const file = this.files.get(path);
    if (file?.kind !== 'code') throw new Error(`not a code file: ${path}`);
    return file;
  }

  private setText(path: string, lines: string[]): void {
    this.touch(path);
    this.files.set(path, { kind: 'text', lines });
  }

  private text(path: string): string[] {
    this.touch(path);
    const file = this.files.get(path);
    if (file?.kind !== 'text') throw new Error(`not a text file: ${path}`);
    return file.lines;
  }

  private remove(path: string): void {
    this.touch(path);
    this.files.delete(path);
  }

  private abort(): void {
    for (const [path, before] of this.touched) {
      if (before) this.files.set(path, before);
      else this.files.delete(path);
    }
    this.touched = new Map();
  }

  private pickSource(filter: (path: string, meta: SourceMeta) => boolean = () => true): string | null {
    let total = 0;
    const pool: [string, number][] = [];
    for (const [path, meta] of this.sources) {
      if (this.locked.has(path) || !filter(path, meta)) continue;
      pool.push([path, meta.heat]);
      total += meta.heat;
    }
    let r = this.rng.next() * total;
    for (const [path, heat] of pool) {
      r -= heat;
      if (r < 0) return path;
    }
    return pool[pool.length - 1]?.[0] ?? null;
  }

  private meta(path: string): SourceMeta {
    const meta = this.sources.get(path);
    if (!meta) throw new Error(`unknown source ${path}`);
    return meta;
  }

  private author(): Ident {
    const weights = Object.fromEntries(AUTHORS.map((a, i) => [String(i), a.weight])) as Record<string, number>;
    return AUTHORS[Number(this.rng.weighted(weights))]!;
  }

  private scope(domain: Domain): string {
    const kind = this.rng.weighted({ name: 70, alias: 16, none: 14 });
    if (kind === 'alias') return `(${this.rng.pick(domain.aliases)})`;
    return kind === 'name' ? `(${domain.name})` : '';
  }

  private issueRef(): string {
    this.issueNumber += this.rng.int(1, 4);
    return this.rng.pick([`Fixes #${this.issueNumber}`, `Closes #${this.issueNumber}`, `Refs #${this.issueNumber}`]);
  }

  private concept(domain: Domain, noun: string): string {
    return this.rng.chance(0.3) ? (domain.synonyms[noun] ?? noun) : noun;
  }

  // ---- project skeleton -----------------------------------------------------------------------

  private newSourcePath(domain: Domain, lang: Lang, utility: boolean): { path: string; ws: string[] } {
    for (let attempt = 0; attempt < 50; attempt++) {
      const noun = this.rng.pick(domain.nouns);
      const ws = lang === 'tsx' ? [noun, this.rng.pick(UI_ROLES).toLowerCase()] : utility ? [noun, this.rng.pick(['utils', 'helpers', 'codec', 'format'])] : [noun, this.rng.pick(ROLES).toLowerCase()];
      const path = `${defaultDir(lang, domain.name)}/${fileName(lang, ws)}`;
      if (!this.files.has(path) && !this.touched.has(path)) return { path, ws };
    }
    const ws = [this.rng.pick(domain.nouns), this.rng.pick(ROLES).toLowerCase(), String(this.rng.int(2, 99))];
    return { path: `${defaultDir(lang, domain.name)}/${fileName(lang, ws)}`, ws };
  }

  private targetLines(): number {
    const r = this.rng.next();
    if (r < 0.35) return this.rng.int(50, 140);
    if (r < 0.8) return this.rng.int(140, 260);
    return this.rng.int(260, 400);
  }

  /** Creates a source file (and maybe its test), registering it in indexes. */
  private addSource(domain: Domain, lang: Lang, withTest: boolean): string {
    const utility = this.rng.chance(0.15);
    const { path, ws } = this.newSourcePath(domain, lang, utility);
    const siblings = [...this.sources.entries()].filter(([, m]) => m.domain === domain && m.lang === lang).map(([p]) => p.slice(p.lastIndexOf('/') + 1).replace(/\.\w+$/, ''));
    const file = makeSourceFile({ lang, rng: this.rng, domain, baseWords: ws, utility, targetLines: this.targetLines(), module: domain.name, siblings: this.rng.sample(siblings, 2) });
    this.touch(path);
    this.files.set(path, file);
    this.sources.set(path, { domain, lang, baseWords: ws, dir: defaultDir(lang, domain.name), heat: Math.min(40, 1 / Math.pow(this.rng.next() + 0.02, 1.3)) });
    this.updateIndex(domain, lang);
    if (withTest) this.addTest(path);
    return path;
  }

  private addTest(path: string): string {
    const meta = this.meta(path);
    const testPath = testPathFor(meta.lang, path, meta.domain.name);
    this.touch(testPath);
    this.files.set(testPath, makeTestFile(this.code(path), path, this.rng, meta.domain, this.rng.int(2, 7)));
    this.tests.set(path, testPath);
    return testPath;
  }

  /** Barrel files that list a domain's modules: TS index.ts and Rust lib.rs. */
  private updateIndex(domain: Domain, lang: Lang): void {
    if (lang !== 'ts' && lang !== 'rs') return;
    const modules = [...this.sources.entries()].filter(([p, m]) => m.domain === domain && m.lang === lang && this.files.has(p)).map(([p]) => p.slice(p.lastIndexOf('/') + 1).replace(/\.\w+$/, '')).sort();
    if (lang === 'ts') this.setText(`packages/${domain.name}/src/index.ts`, ["export * from './errors.ts';", ...modules.map((m) => `export * from './${m}.ts';`)]);
    else this.setText(`crates/${domain.name}/src/lib.rs`, [`//! ${capitalize(domain.name)} crate.`, '', 'pub mod error;', ...modules.map((m) => `pub mod ${m};`)]);
  }

  private langsOf(domain: Domain): Lang[] {
    return this.domainLangs.get(domain.name) ?? ['ts'];
  }

  private docPath(domain: Domain): string {
    return `docs/${domain.name}.md`;
  }

  private buildInitialTree(): void {
    const langs = Object.keys(LANG_WEIGHTS) as Lang[];
    for (const domain of DOMAINS) {
      const chosen = new Set<Lang>();
      const count = this.rng.int(2, 3);
      while (chosen.size < count) chosen.add(this.rng.weighted(LANG_WEIGHTS));
      if (chosen.has('ts') && this.rng.chance(0.5)) chosen.add('tsx');
      this.domainLangs.set(domain.name, [...chosen].filter((l) => langs.includes(l)));
      const E = pascal([domain.name]);
      if (chosen.has('ts')) this.setText(`packages/${domain.name}/src/errors.ts`, [`export class ${E}Error extends Error {`, '  constructor(message: string, readonly code = \'E_' + domain.name.toUpperCase() + '\') {', '    super(message);', `    this.name = '${E}Error';`, '  }', '}']);
      if (chosen.has('py')) {
        this.setText(`services/py/acme/${domain.name}/__init__.py`, [`"""${capitalize(domain.name)} workers."""`]);
        this.setText(`services/py/acme/${domain.name}/errors.py`, [`class ${E}Error(Exception):`, `    """Raised when a ${domain.name} operation fails."""`]);
      }
      if (chosen.has('rs')) {
        this.setText(`crates/${domain.name}/Cargo.toml`, ['[package]', `name = "${domain.name}"`, 'version = "0.1.0"', 'edition = "2021"', '', '[dependencies]', 'thiserror.workspace = true', 'tracing.workspace = true', 'metrics.workspace = true']);
        this.setText(`crates/${domain.name}/src/error.rs`, ['#[derive(Debug, thiserror::Error)]', 'pub enum Error {', ...domain.nouns.flatMap((n) => [`    #[error("invalid ${n}: {0}")]`, `    Invalid${pascal([n])}(String),`, `    #[error("${n} not found")]`, `    ${pascal([n])}NotFound,`]), '}']);
      }
    }
    const initialSources = 210;
    for (let i = 0; i < initialSources; i++) {
      const domain = this.rng.pick(DOMAINS);
      const lang = this.rng.pick(this.langsOf(domain));
      this.addSource(domain, lang, this.rng.chance(0.5));
    }
    for (const domain of DOMAINS) this.setText(this.docPath(domain), domainDoc(domain, this.rng, []));
    this.setText('README.md', readme(DOMAINS));
    this.setText('CONTRIBUTING.md', ['# Contributing', '', 'Use conventional commits (`fix(scope): ...`). Every change needs a test.', '', '## Running tests', '', '```sh', 'make test', '```']);
    this.setText('CHANGELOG.md', ['# Changelog', '']);
    this.setText('docs/architecture.md', ['# Architecture', '', 'Requests enter through the gateway, which routes them to the services.', '', '![architecture](images/architecture.png)']);
    this.writeNpm();
    this.setText('go.mod', renderGoMod(this.goDeps));
    this.setText('go.sum', renderGoSum(this.goDeps));
    this.writeCargo();
    this.setText('services/jvm/pom.xml', renderPom(this.mavenDeps));
    this.setText('services/py/pyproject.toml', ['[project]', 'name = "acme-workers"', 'version = "0.1.0"', 'requires-python = ">=3.11"', 'dependencies = ["httpx>=0.27", "pydantic>=2.6", "structlog>=24.1"]', '', '[tool.pytest.ini_options]', 'testpaths = ["tests"]']);
    this.setText('tsconfig.json', ['{', '  "compilerOptions": {', '    "target": "ES2022",', '    "module": "NodeNext",', '    "strict": true,', '    "jsx": "react-jsx"', '  }', '}']);
    this.setText('.gitignore', ['node_modules/', 'dist/', 'target/', '__pycache__/', '*.pyc', '.env']);
    this.setText('.github/workflows/ci.yml', ciWorkflow(this.ciNode, '1.21', this.ciSteps));
    this.setText('Makefile', makefile(this.makeTargets));
    this.setText('packages/api/src/generated/apiTypes.ts', renderApiTypes(this.apiTypes, this.rng.hex(12)));
    this.setText('internal/pb/eventsv1/events.pb.go', renderPbGo(this.apiTypes.slice(0, 10)));
    this.touch('apps/web/public/assets/app.min.js');
    this.files.set('apps/web/public/assets/app.min.js', { kind: 'raw', data: renderBundle(this.bundle, this.rng.hex(8)) });
    this.touch('apps/web/public/logo.png');
    this.files.set('apps/web/public/logo.png', { kind: 'raw', data: pngImage(this.rng, 64, 64) });
    this.touch('docs/images/architecture.png');
    this.files.set('docs/images/architecture.png', { kind: 'raw', data: pngImage(this.rng, 160, 90) });
    this.writeVendor('github.com/acme-oss/retry', 'v1.2.0');
    this.writeVendor('github.com/klauspost/shortid', 'v0.9.1');
  }

  private writeNpm(): void {
    const v = this.version.join('.');
    this.setText('package.json', renderPackageJson(v, this.npmDeps));
    this.setText('package-lock.json', renderPackageLock(v, this.npmDeps));
  }

  private writeCargo(): void {
    const crates = [...this.domainLangs.entries()].filter(([, l]) => l.includes('rs')).map(([d]) => d);
    this.setText('Cargo.toml', renderCargoToml(crates, this.cargoDeps));
    this.setText('Cargo.lock', renderCargoLock(this.cargoDeps));
  }

  /** Vendored Go module: a few generated files that change only wholesale. */
  private writeVendor(module: string, version: string): void {
    const name = module.split('/').pop() ?? 'lib';
    const domain: Domain = { name, aliases: [], nouns: ['attempt', 'backoff', 'jitter', 'budget', 'clock'], synonyms: {} };
    for (const part of ['core', 'options', 'util']) {
      const file = makeSourceFile({ lang: 'go', rng: this.rng, domain, baseWords: [name, part], utility: part === 'util', targetLines: this.rng.int(80, 200), module: name, siblings: [] });
      this.touch(`vendor/${module}/${part}.go`);
      this.files.set(`vendor/${module}/${part}.go`, file);
    }
    this.vendorVersions.set(module, version);
    this.setText('vendor/modules.txt', [...this.vendorVersions].sort().flatMap(([m, v]) => [`# ${m} ${v}`, '## explicit; go 1.21', m]));
  }

  // ---- edits --------------------------------------------------------------------------------

  private pickUnit(file: CodeFile): { unit: Unit; cls: ClassUnit | null } | null {
    const units = allUnits(file);
    return units.length > 0 ? this.rng.pick(units) : null;
  }

  private domainOf(path: string): Domain {
    return this.meta(path).domain;
  }

  /** A small edit in one function body; returns what was touched. */
  private editBody(path: string, mode: 'guard' | 'replace' | 'literal' | 'insert' | 'delete' | 'cache'): { unit: Unit; cls: ClassUnit | null } | null {
    const file = this.code(path);
    const picked = this.pickUnit(file);
    if (!picked) return null;
    const { unit, cls } = picked;
    const domain = this.domainOf(path);
    const body = unit.body;
    if (body.length > 12 && (mode === 'insert' || mode === 'guard' || mode === 'cache')) mode = 'replace';
    if (mode === 'literal') {
      const candidates = body.map((b, i) => [b, i] as const).filter(([b]) => b.some((l) => /\b\d+\b|'[^']+'|"[^"]+"/.test(l)));
      if (candidates.length > 0) {
        const [block, i] = this.rng.pick(candidates);
        let done = false;
        body[i] = block.map((line) => {
          if (done) return line;
          const next = line.replace(/\b(\d+)\b/, (m) => String(Math.max(1, Math.round(Number(m) * this.rng.pick([0.5, 2, 3, 10]) + this.rng.int(0, 3)))));
          if (next !== line) {
            done = true;
            return next;
          }
          const words = this.rng.pick(['must not be blank', 'is required', 'cannot be empty', 'was not found']);
          const swapped = line.replace(/must not be empty|is required|cannot be empty|was not found/, words);
          if (swapped !== line) done = true;
          return swapped;
        });
        if (done) return picked;
      }
      mode = 'replace';
    }
    const pos = this.rng.int(0, body.length);
    switch (mode) {
      case 'guard':
        body.splice(Math.min(pos, 1), 0, freshBlock(file, cls, unit, this.rng, domain, 'guard', Math.min(pos, 1)));
        break;
      case 'cache':
        body.splice(pos, 0, freshBlock(file, cls, unit, this.rng, domain, this.rng.pick(['assign', 'compute'] as const), pos));
        break;
      case 'delete':
        if (body.length > 1) body.splice(this.rng.int(0, body.length - 1), 1);
        else body.push(freshBlock(file, cls, unit, this.rng, domain));
        break;
      case 'insert':
        body.splice(pos, 0, freshBlock(file, cls, unit, this.rng, domain, undefined, pos));
        break;
      default:
        if (body.length === 0) body.push(freshBlock(file, cls, unit, this.rng, domain));
        else body[Math.min(pos, body.length - 1)] = freshBlock(file, cls, unit, this.rng, domain, undefined, Math.min(pos, body.length - 1));
    }
    return picked;
  }

  /** Adds a test case for `unit`, creating the test file sometimes. Returns the test path or null. */
  private touchTest(path: string, unit: Unit | undefined, create: number): string | null {
    let testPath = this.tests.get(path);
    if (testPath && !this.files.has(testPath)) testPath = undefined;
    if (!testPath) {
      if (!this.rng.chance(create) || this.locked.size > 0) return null;
      return this.addTest(path);
    }
    const test = this.code(testPath);
    const cases = test.classes[0]!.methods;
    if (this.rng.chance(0.3) && cases.length > 0) {
      // Adjust an existing case's fixture or expectation instead of adding one.
      const c = this.rng.pick(cases);
      const before = JSON.stringify(c.body);
      c.body = c.body.map((b) => b.map((l) => l.replace(/\b(\d+)\b/, () => String(this.rng.int(0, 120)))));
      if (JSON.stringify(c.body) !== before) return testPath;
    }
    addTestCase(test, this.code(path), this.rng, this.domainOf(path), unit);
    return testPath;
  }

  private sibling(path: string): string | null {
    const meta = this.meta(path);
    return this.pickSource((p, m) => p !== path && m.domain === meta.domain);
  }

  private fnRef(unit: Unit, cls: ClassUnit | null): string {
    const r = this.rng.next();
    if (r < 0.35) return `\`${unit.name}\``;
    if (r < 0.55 && cls) return `${cls.name}.${unit.name}`;
    return unit.name;
  }

  private nounOf(unit: Unit, domain: Domain): string {
    return unit.words.find((w) => domain.nouns.includes(w)) ?? this.rng.pick(domain.nouns);
  }

  // ---- commit kinds -------------------------------------------------------------------------

  private fix(perf = false): Message | null {
    const path = this.pickSource();
    if (!path) return null;
    const domain = this.domainOf(path);
    const picked = this.editBody(path, perf ? 'cache' : this.rng.pick(['guard', 'guard', 'replace', 'literal', 'insert', 'delete'] as const));
    if (!picked) return null;
    const { unit, cls } = picked;
    if (this.rng.chance(0.45)) this.touchTest(path, unit, 0.2);
    if (this.rng.chance(0.2)) {
      const other = this.sibling(path);
      if (other) this.editBody(other, this.rng.pick(['replace', 'literal', 'insert'] as const));
    }
    if (this.rng.chance(0.05)) {
      const other = this.pickSource();
      if (other && other !== path) this.editBody(other, 'literal');
    }
    const noun = this.nounOf(unit, domain);
    const c = this.concept(domain, noun);
    const adj = this.rng.pick(ADJECTIVES);
    const verb = unit.words[0] ?? 'handle';
    const scope = this.scope(domain);
    const mode = this.rng.weighted({ named: 45, concept: 35, vague: 12, misleading: 8 });
    let ref = this.fnRef(unit, cls);
    if (mode === 'misleading') {
      const others = allUnits(this.code(path)).filter((u) => u.unit !== unit);
      if (others.length > 0) ref = this.rng.pick(others).unit.name;
    }
    let subject: string;
    if (perf) {
      subject = mode === 'concept' || mode === 'vague' ? `perf${scope}: avoid repeated ${gerund(verb)} of ${plural(c)}` : `perf${scope}: cache ${c} lookups in ${ref}`;
    } else if (mode === 'vague') {
      subject = this.rng.pick([`fix${scope}: edge case`, 'fix: address review feedback', `fix${scope}: small fixes`, `fix${scope}: handle ${adj} input`]);
    } else if (mode === 'concept') {
      subject = this.rng.pick([`fix${scope}: avoid crash when ${c} is ${adj}`, `fix${scope}: correct ${c} ${this.rng.pick(['count', 'ordering', 'expiry check', 'validation', 'lookup'])}`, `fix${scope}: ${c} ${this.rng.pick(['not refreshed after', 'lost during', 'duplicated on'])} ${gerund(this.rng.pick(VERBS))}`]);
    } else {
      subject = this.rng.pick([`fix${scope}: handle ${adj} ${c} in ${ref}`, `fix${scope}: ${ref} ${this.rng.pick(['ignored', 'dropped', 'duplicated', 'mis-ordered'])} ${adj} ${plural(c)}`, `fix${scope}: guard ${ref} against ${adj} ${c}`]);
    }
    let body: string | undefined;
    if (this.rng.chance(0.6)) {
      const why = `${capitalize(plural(c))} that were ${adj} reached ${mode === 'named' ? ref : `the ${gerund(verb)} path`} and ${this.rng.pick(['were silently dropped', 'raised an unhandled error', 'produced a wrong total', 'leaked into the cache', 'caused a retry loop'])}.`;
      const what = this.rng.pick([`Check for them up front${cls ? ` in ${cls.name}` : ''}.`, `Return early instead of ${gerund(this.rng.pick(VERBS))} them.`, `Validate the ${c} before ${gerund(verb)} it.`, 'Add a regression test.']);
      body = `${why} ${what}${this.rng.chance(0.5) ? `\n\n${this.issueRef()}` : ''}`;
    }
    return { subject, body };
  }

  private feat(): Message | null {
    if (this.locked.size === 0 && this.rng.chance(Math.min(0.5, this.addRate / 0.18))) {
      const domain = this.rng.pick(DOMAINS);
      const lang = this.rng.pick(this.langsOf(domain));
      const path = this.addSource(domain, lang, this.rng.chance(0.6));
      const file = this.code(path);
      const name = file.classes[0]?.name ?? file.functions[0]?.name ?? path;
      const ws = this.meta(path).baseWords;
      if (this.rng.chance(0.3)) this.docMention(domain, name);
      const subject = this.rng.pick([`feat${this.scope(domain)}: add ${ws.join(' ')}`, `feat${this.scope(domain)}: introduce ${name}`, `feat${this.scope(domain)}: ${this.concept(domain, ws[0] ?? domain.name)} ${ws[1] ?? 'support'}`]);
      return { subject, body: this.rng.chance(0.5) ? `${name} ${this.rng.pick(['centralises', 'takes over', 'adds'])} ${ws[0]} handling for the ${domain.name} area.` : undefined, structural: true };
    }
    const path = this.pickSource();
    if (!path) return null;
    const meta = this.meta(path);
    const file = this.code(path);
    const domain = meta.domain;
    if (file.decls.length > 0 && this.rng.chance(0.25)) {
      const decl = file.decls[0]!;
      const prop = this.rng.pick(PROPS.filter((p) => !decl.join('\n').includes(p)).concat(['retries']));
      const template = decl.findLast((l) => l.startsWith('\t') && !l.startsWith('\t*')) ?? null;
      if (template) {
        decl.splice(decl.lastIndexOf(template) + 1, 0, template.replace(/\b(readonly |pub )?[a-zA-Z_]+(\??:| )/, (m, kw: string | undefined, sep: string) => `${kw ?? ''}${meta.lang === 'py' || meta.lang === 'rs' ? snake(prop.replace(/([A-Z])/g, ' $1').toLowerCase().split(' ')) : meta.lang === 'go' ? capitalize(prop) : prop}${sep}`));
        const unit = this.editBody(path, 'insert');
        const N = /(?:interface|class|struct|record)\s+(\w+)/.exec(decl.join(' '))?.[1] ?? 'options';
        return { subject: `feat${this.scope(domain)}: add ${prop} option to ${N}`, body: unit && this.rng.chance(0.5) ? `${unit.unit.name} now honours it.` : undefined };
      }
    }
    const taken = new Set(allUnits(file).map((u) => u.unit.name));
    const cls = file.classes[0] && (meta.lang === 'java' || this.rng.chance(0.7)) ? file.classes[0] : null;
    if (meta.lang === 'tsx' && file.functions[0]?.component && this.rng.chance(0.5)) {
      const comp = file.functions[0];
      comp.body.push(freshBlock(file, null, comp, this.rng, domain));
      comp.body.push(freshBlock(file, null, comp, this.rng, domain));
      if (this.rng.chance(0.3)) this.rebuild();
      const noun = this.rng.pick(domain.nouns);
      return { subject: `feat(web): ${this.rng.pick(['show', 'let users filter', 'add sorting for', 'highlight'])} ${plural(noun)} in ${comp.name}`, body: this.rng.chance(0.4) ? `Requested by the ${domain.name} team.` : undefined };
    }
    const unit = makeUnit({ lang: meta.lang, rng: this.rng, domain, taken, cls, consts: [], size: this.rng.int(2, 6) });
    if (cls) cls.methods.push(unit);
    else file.functions.push(unit);
    if (this.rng.chance(0.5)) {
      const caller = this.editBody(path, 'insert');
      if (caller && caller.unit !== unit) caller.unit.body.push([`${meta.lang === 'py' ? '' : meta.lang === 'rs' ? 'let _ = ' : ''}${cls ? (meta.lang === 'py' || meta.lang === 'rs' ? 'self.' : meta.lang === 'go' ? `${cls.name[0]!.toLowerCase()}.` : 'this.') : ''}${unit.name}()${meta.lang === 'py' || meta.lang === 'go' ? '' : ';'}`]);
    }
    if (this.rng.chance(0.55)) this.touchTest(path, unit, 0.25);
    if (this.rng.chance(0.12)) this.docMention(domain, unit.name);
    if (this.rng.chance(0.15)) {
      const other = this.sibling(path);
      if (other) this.editBody(other, 'insert');
    }
    const noun = this.nounOf(unit, domain);
    const c = this.concept(domain, noun);
    const mode = this.rng.weighted({ named: 50, concept: 40, vague: 10 });
    const scope = this.scope(domain);
    const subject = mode === 'named'
      ? this.rng.pick([`feat${scope}: add ${unit.name}${cls ? ` to ${cls.name}` : ''}`, `feat${scope}: expose ${this.fnRef(unit, cls)}`])
      : mode === 'concept'
        ? this.rng.pick([`feat${scope}: support ${this.rng.pick(ADJECTIVES)} ${plural(c)}`, `feat${scope}: allow ${gerund(unit.words[0] ?? 'handle')} ${plural(c)} ${this.rng.pick(['in bulk', 'by id', 'with a deadline', 'per tenant', 'asynchronously'])}`])
        : this.rng.pick([`feat${scope}: improvements`, `feat: ${domain.name} follow-ups`]);
    const body = this.rng.chance(0.5) ? `${this.rng.pick(['This is needed by', 'Groundwork for', 'Part of'])} the ${c} ${this.rng.pick(['migration', 'redesign', 'rollout', 'cleanup'])}.${this.rng.chance(0.4) ? `\n\n${this.issueRef()}` : ''}` : undefined;
    return { subject, body };
  }

  private docMention(domain: Domain, name: string): void {
    const path = this.docPath(domain);
    if (!this.files.has(path)) return;
    const lines = this.text(path);
    if (!lines.includes('## API')) lines.push('## API', '');
    const at = lines.indexOf('## API') + 2;
    lines.splice(at, 0, `- \`${name}\`: ${this.rng.pick(['returns', 'updates', 'validates', 'resolves'])} ${plural(this.rng.pick(domain.nouns))}.`);
  }

  private refactor(): Message | null {
    const kind = this.locked.size > 0 ? this.rng.pick(['extract', 'simplify'] as const) : this.rng.weighted({ rename: 35, extract: 25, move: 12, simplify: 28 });
    const path = this.pickSource();
    if (!path) return null;
    const meta = this.meta(path);
    const domain = meta.domain;
    const scope = this.scope(domain);
    if (kind === 'rename') {
      const file = this.code(path);
      const picked = this.pickUnit(file);
      if (!picked || picked.unit.component) return null;
      const { unit } = picked;
      const oldName = unit.name;
      const ws = this.rng.chance(0.5) ? [this.rng.pick(VERBS), ...unit.words.slice(1)] : [...unit.words.slice(0, 1), this.rng.pick(domain.nouns), ...unit.words.slice(1)].slice(0, 3);
      const newName = fnName(meta.lang, ws, oldName[0] !== oldName[0]!.toLowerCase() || meta.lang !== 'go');
      if (newName === oldName || allUnits(file).some((u) => u.unit.name === newName)) return null;
      unit.words = ws;
      for (const [p, m] of this.sources) {
        if (m.domain !== domain || m.lang !== meta.lang) continue;
        const other = this.files.get(p);
        if (other?.kind === 'code' && p !== path && !JSON.stringify(other).includes(oldName)) continue;
        replaceIdentifier(this.code(p), oldName, newName);
        const t = this.tests.get(p);
        if (t && this.files.has(t)) replaceIdentifier(this.code(t), oldName, newName);
      }
      return { subject: `refactor${scope}: rename ${oldName} to ${newName}`, body: this.rng.chance(0.4) ? `The old name did not say that it ${this.rng.pick(['also', 'only'])} ${thirdPerson(ws[0] ?? 'handle')} the ${ws.slice(1).join(' ')}.` : undefined, structural: true };
    }
    if (kind === 'extract') {
      const file = this.code(path);
      const candidates = allUnits(file).filter((u) => u.unit.body.length >= 3 && !u.unit.component);
      if (candidates.length === 0) return null;
      const { unit, cls } = this.rng.pick(candidates);
      const at = this.rng.int(0, unit.body.length - 2);
      const moved = unit.body.splice(at, 2);
      const helper = makeUnit({ lang: meta.lang, rng: this.rng, domain, taken: new Set(allUnits(file).map((u) => u.unit.name)), cls, consts: [], size: 0 });
      helper.body = moved;
      helper.isPrivate = cls !== null;
      const self = cls ? (meta.lang === 'py' || meta.lang === 'rs' ? 'self.' : meta.lang === 'go' ? `${cls.name[0]!.toLowerCase()}.` : meta.lang === 'java' ? '' : 'this.') : '';
      const args = helper.params.map((p) => p.name).join(', ');
      unit.body.splice(at, 0, [`${meta.lang === 'rs' ? 'let _ = ' : ''}${self}${meta.lang === 'py' && cls ? '_' : ''}${helper.name}(${args})${meta.lang === 'py' || meta.lang === 'go' ? '' : ';'}`]);
      if (cls) cls.methods.splice(cls.methods.indexOf(unit) + 1, 0, helper);
      else file.functions.splice(file.functions.indexOf(unit) + 1, 0, helper);
      return { subject: this.rng.chance(0.6) ? `refactor${scope}: extract ${helper.name} from ${unit.name}` : `refactor${scope}: split up ${this.concept(domain, this.nounOf(unit, domain))} ${gerund(unit.words[0] ?? 'handle')}` };
    }
    if (kind === 'move') return this.moveFile(path);
    for (let i = this.rng.int(1, 3); i > 0; i--) this.editBody(path, this.rng.pick(['replace', 'delete'] as const));
    const noun = this.rng.pick(domain.nouns);
    return { subject: this.rng.pick([`refactor${scope}: simplify ${this.concept(domain, noun)} handling`, `refactor${scope}: tidy up ${path.slice(path.lastIndexOf('/') + 1)}`, 'refactor: remove dead code', `refactor${scope}: reduce nesting in ${noun} checks`]) };
  }

  /** Renames a source file (and its test, class and references) under a new role. */
  private moveFile(path: string, newDir?: string): Message | null {
    const meta = this.meta(path);
    const role = meta.lang === 'tsx' ? this.rng.pick(UI_ROLES).toLowerCase() : this.rng.pick(ROLES).toLowerCase();
    const ws = newDir ? meta.baseWords : [meta.baseWords[0] ?? 'core', role];
    const dir = newDir ?? meta.dir;
    const next = `${dir}/${fileName(meta.lang, ws)}`;
    if (next === path || this.files.has(next)) return null;
    const file = this.code(path);
    const oldClass = file.classes[0]?.name ?? (file.functions[0]?.component ? file.functions[0].name : undefined);
    const newClass = pascal(ws);
    this.remove(path);
    this.touch(next);
    this.files.set(next, file);
    this.sources.delete(path);
    this.sources.set(next, { ...meta, baseWords: ws, dir });
    const testPath = this.tests.get(path);
    this.tests.delete(path);
    if (testPath && this.files.has(testPath)) {
      const test = this.code(testPath);
      this.remove(testPath);
      const nextTest = testPathFor(meta.lang, next, meta.domain.name);
      this.touch(nextTest);
      this.files.set(nextTest, test);
      test.testOf = next;
      this.tests.set(next, nextTest);
    }
    const oldModule = path.slice(path.lastIndexOf('/') + 1).replace(/\.\w+$/, '');
    const newModule = next.slice(next.lastIndexOf('/') + 1).replace(/\.\w+$/, '');
    for (const [p, m] of this.sources) {
      if (m.domain !== meta.domain || m.lang !== meta.lang) continue;
      const f = this.files.get(p);
      if (f?.kind !== 'code') continue;
      const serialized = JSON.stringify(f);
      if (!(oldClass && serialized.includes(oldClass)) && !serialized.includes(oldModule)) continue;
      const cf = this.code(p);
      if (oldClass && !newDir) replaceIdentifier(cf, oldClass, newClass);
      if (oldModule !== newModule) replaceIdentifier(cf, oldModule, newModule);
      const t = this.tests.get(p);
      if (t && this.files.has(t) && oldClass && !newDir) replaceIdentifier(this.code(t), oldClass, newClass);
    }
    this.updateIndex(meta.domain, meta.lang);
    const scope = this.scope(meta.domain);
    if (newDir) return { subject: `refactor${scope}: move ${oldModule} into ${dir.slice(dir.lastIndexOf('/') + 1)}/`, structural: true };
    return { subject: this.rng.pick([`refactor${scope}: rename ${oldClass ?? oldModule} to ${newClass}`, `refactor${scope}: ${oldModule} -> ${newModule}`]), body: this.rng.chance(0.4) ? (this.rng.chance(0.5) ? `It does more than ${this.rng.pick(VERBS)} ${plural(meta.baseWords[0] ?? 'item')} now.` : `It no longer just ${thirdPerson(this.rng.pick(VERBS))} ${plural(meta.baseWords[0] ?? 'item')}.`) : undefined, structural: true };
  }

  private largeRefactor(): Message | null {
    const kind = this.rng.weighted({ renameClass: 40, moveDir: 25, renameShared: 35 });
    if (kind === 'renameClass') {
      const path = this.pickSource((p, m) => m.lang !== 'tsx' && (this.files.get(p) as CodeFile | undefined)?.classes.length === 1);
      if (!path) return null;
      const domain = this.domainOf(path);
      const msg = this.moveFile(path);
      if (!msg) return null;
      for (let i = this.rng.int(1, 3); i > 0; i--) {
        const other = this.pickSource((_p, m) => m.domain === domain);
        if (other) this.editBody(other, 'replace');
      }
      return { ...msg, body: `${msg.body ?? ''}${msg.body ? '\n\n' : ''}Update call sites across the ${domain.name} module.` };
    }
    if (kind === 'moveDir') {
      const domain = this.rng.pick(DOMAINS);
      const lang = this.rng.pick(this.langsOf(domain));
      if (lang !== 'ts' && lang !== 'py' && lang !== 'js') return null;
      const paths = [...this.sources.entries()].filter(([, m]) => m.domain === domain && m.lang === lang && m.dir === defaultDir(lang, domain.name)).map(([p]) => p);
      if (paths.length < 3) return null;
      const sub = this.rng.pick(['core', 'internal', 'adapters', 'model']);
      const moved = this.rng.sample(paths, Math.max(3, Math.ceil(paths.length * 0.6)));
      for (const p of moved) this.moveFile(p, `${defaultDir(lang, domain.name)}/${sub}`);
      return { subject: `refactor${this.scope(domain)}: move ${domain.name} ${this.rng.pick(['internals', 'core logic', 'models'])} into ${sub}/`, body: `Pure move; no behaviour change. ${moved.length} modules moved.`, structural: true };
    }
    const lang = this.rng.pick(['ts', 'py', 'java'] as const);
    const [from, to] = lang === 'java' ? ['MeterRegistry', 'MetricsRegistry'] : lang === 'py' ? ['Metrics', 'MetricsClient'] : ['Metrics', 'MetricsSink'];
    let touched = 0;
    for (const [p, m] of this.sources) {
      if (m.lang !== lang) continue;
      const f = this.files.get(p);
      if (f?.kind === 'code' && JSON.stringify(f).includes(from) && replaceIdentifier(this.code(p), from, to)) touched++;
    }
    if (touched === 0) return null;
    if (this.renamedShared.has(from)) return { subject: `refactor: migrate remaining ${from} usages to ${to}`, structural: true };
    this.renamedShared.add(from);
    return { subject: `refactor: rename ${from} to ${to}${lang === 'ts' ? '' : ` in ${lang === 'py' ? 'python workers' : 'jvm services'}`}`, body: `Mechanical rename across ${touched} files to match the shared observability package.`, structural: true };
  }

  private testCommit(): Message | null {
    const path = this.pickSource();
    if (!path) return null;
    const file = this.code(path);
    const domain = this.domainOf(path);
    const picked = this.pickUnit(file);
    const testPath = this.touchTest(path, picked?.unit, 0.7);
    if (!testPath) return null;
    if (this.rng.chance(0.4)) this.touchTest(path, undefined, 0);
    const cls = file.classes[0]?.name ?? picked?.unit.name ?? domain.name;
    const subject = this.rng.pick([`test${this.scope(domain)}: cover ${picked?.unit.name ?? cls} edge cases`, `test${this.scope(domain)}: add missing tests for ${cls}`, `test: ${this.rng.pick(ADJECTIVES)} ${this.concept(domain, this.rng.pick(domain.nouns))} case`]);
    return { subject };
  }

  private docs(): Message | null {
    const domain = this.rng.pick(DOMAINS);
    const r = this.rng.next();
    if (r < 0.3) {
      const path = this.pickSource((_p, m) => m.domain === domain) ?? this.pickSource();
      if (!path) return null;
      const picked = this.pickUnit(this.code(path));
      if (!picked) return null;
      picked.unit.doc = `${picked.unit.doc.replace(/\.$/, '')}${this.rng.pick(['; returns early when nothing changed.', '. Safe to call concurrently.', '. The result is cached per request.', ' (see docs).'])}`;
      return { subject: `docs${this.scope(this.domainOf(path))}: document ${picked.unit.name}` };
    }
    if (r < 0.45) {
      const lines = this.text('README.md');
      lines.splice(this.rng.int(3, lines.length), 0, this.rng.pick(['', `> Note: the ${domain.name} service needs Redis locally.`, `See docs/${domain.name}.md for the ${domain.name} API.`]));
      return { subject: this.rng.pick(['docs: update README', 'docs(readme): clarify local setup', `docs: link ${domain.name} guide from README`]) };
    }
    const path = this.docPath(domain);
    const lines = this.text(path);
    const noun = this.rng.pick(domain.nouns);
    const at = lines.findIndex((l) => l === `## ${capitalize(plural(noun))}`);
    if (at >= 0 && this.rng.chance(0.6)) {
      lines[at + 2] = `${lines[at + 2] ?? ''} ${capitalize(plural(this.concept(domain, noun)))} ${this.rng.pick(['expire after the configured TTL', 'are never shared between tenants', 'are retried with backoff', 'must be unique per account'])}.`;
      return { subject: this.rng.pick([`docs${this.scope(domain)}: explain ${this.concept(domain, noun)} lifecycle`, `docs(${domain.name}): clarify ${noun} limits`]) };
    }
    const prose = lines.map((l, i) => [l, i] as const).filter(([l]) => l.length > 20 && !l.startsWith('#'));
    if (prose.length === 0) return null;
    const [line, i] = this.rng.pick(prose);
    lines[i] = /\bis\b/.test(line) && this.rng.chance(0.5) ? line.replace(/\bis\b/, 'gets') : `${line} ${this.rng.pick(['See the API section.', 'This is configurable.', 'Defaults are listed below.'])}`;
    return { subject: this.rng.pick([`docs: fix typo in ${domain.name} guide`, `docs(${domain.name}): formatting`]) };
  }

  private deps(): Message | null {
    const bot = this.rng.chance(0.55);
    const r = this.rng.next();
    const list = r < 0.6 ? this.npmDeps : r < 0.78 ? this.goDeps : r < 0.9 ? this.cargoDeps : this.mavenDeps;
    const eco = list === this.npmDeps ? 'npm' : list === this.goDeps ? 'go' : list === this.cargoDeps ? 'cargo' : 'maven';
    const many = !bot && this.rng.chance(0.3);
    const picked = this.rng.sample(list.filter((d) => eco !== 'npm' || d.direct || many), many ? this.rng.int(3, 8) : 1);
    const bumps: string[] = [];
    for (const dep of picked) {
      const from = dep.version;
      dep.version = bumpVersion(this.rng, from);
      bumps.push(`${dep.name} from ${from} to ${dep.version}`);
      if (eco === 'npm') for (const t of this.rng.sample(this.npmDeps.filter((d) => !d.direct), this.rng.int(0, 4))) t.version = bumpVersion(this.rng, t.version);
    }
    if (eco === 'npm') this.writeNpm();
    else if (eco === 'go') {
      this.setText('go.mod', renderGoMod(this.goDeps));
      this.setText('go.sum', renderGoSum(this.goDeps));
    } else if (eco === 'cargo') this.writeCargo();
    else this.setText('services/jvm/pom.xml', renderPom(this.mavenDeps));
    if (many) return { subject: this.rng.pick(['chore(deps): update dependencies', `chore(deps): bump ${eco} dev dependencies`, 'build(deps): weekly dependency update']), body: bumps.map((b) => `- ${b}`).join('\n') };
    const bump = bumps[0] ?? '';
    const name = picked[0]?.name ?? '';
    const subject = `${this.rng.chance(0.7) ? 'chore' : 'build'}(deps${this.rng.chance(0.3) ? '-dev' : ''}): bump ${bump}`;
    const body = bot ? `Bumps [${name}](https://github.com/${name.replace(/^@/, '')}) from ${bump.split(' from ')[1] ?? ''}.\n- [Release notes](https://github.com/${name.replace(/^@/, '')}/releases)\n\n---\nupdated-dependencies:\n- dependency-name: ${name}\n  dependency-type: direct:production\n  update-type: version-update:semver-patch\n...\n\nSigned-off-by: dependabot[bot] <support@github.com>` : undefined;
    return { subject, body, author: bot ? BOT : undefined };
  }

  private ci(): Message | null {
    if (this.rng.chance(0.6)) {
      const r = this.rng.next();
      let subject: string;
      if (r < 0.3 && this.ciNode < 22) {
        this.ciNode += 2;
        subject = `ci: run on node ${this.ciNode}`;
      } else if (r < 0.7) {
        const step = this.rng.pick(['lint', 'typecheck', 'coverage', 'e2e', 'audit', 'build-docs']);
        this.ciSteps.push(`      - run: npm run ${step}`);
        subject = `ci: add ${step} step`;
      } else {
        if (this.ciSteps.length === 0) return null;
        this.ciSteps.splice(this.rng.int(0, this.ciSteps.length - 1), 1);
        subject = this.rng.pick(['ci: drop flaky step', 'ci: simplify workflow']);
      }
      this.setText('.github/workflows/ci.yml', ciWorkflow(this.ciNode, this.rng.pick(['1.21', '1.22']), this.ciSteps));
      return { subject };
    }
    const target = this.rng.pick(['proto', 'migrate', 'bench', 'fmt', 'docker', 'release']);
    if (this.makeTargets.includes(target)) return null;
    this.makeTargets.push(target);
    this.setText('Makefile', makefile(this.makeTargets));
    return { subject: `build: add make ${target}` };
  }

  private rebuild(): void {
    rebuildBundle(this.rng, this.bundle);
    this.touch('apps/web/public/assets/app.min.js');
    this.files.set('apps/web/public/assets/app.min.js', { kind: 'raw', data: renderBundle(this.bundle, this.rng.hex(8)) });
  }

  private bundleCommit(): Message | null {
    this.rebuild();
    return { subject: this.rng.pick(['build: rebuild web bundle', 'chore: update dist bundle', 'build(web): regenerate app.min.js']) };
  }

  private asset(): Message | null {
    const path = this.rng.chance(0.6) ? 'apps/web/public/logo.png' : 'docs/images/architecture.png';
    this.touch(path);
    this.files.set(path, { kind: 'raw', data: pngImage(this.rng, path.includes('logo') ? 64 : 160, path.includes('logo') ? 64 : 90) });
    return { subject: path.includes('logo') ? this.rng.pick(['chore(assets): update logo', 'feat(web): new brand logo']) : 'docs: refresh architecture diagram' };
  }

  private vendor(): Message | null {
    const module = this.rng.pick(['github.com/acme-oss/retry', 'github.com/klauspost/shortid']);
    const version = `v${this.rng.int(1, 2)}.${this.rng.int(0, 9)}.${this.rng.int(0, 9)}`;
    this.writeVendor(module, version);
    const dep = this.goDeps.find((d) => d.name === module);
    if (dep) {
      dep.version = version.slice(1);
      this.setText('go.mod', renderGoMod(this.goDeps));
      this.setText('go.sum', renderGoSum(this.goDeps));
    }
    return { subject: `chore(vendor): update ${module} to ${version}` };
  }

  private generated(): Message | null {
    const type = this.rng.pick(this.apiTypes);
    const prop = this.rng.pick(PROPS.filter((p) => !type.fields.includes(p)).concat(['etag']));
    if (type.fields.includes(prop)) return null;
    type.fields.push(prop);
    this.setText('packages/api/src/generated/apiTypes.ts', renderApiTypes(this.apiTypes, this.rng.hex(12)));
    if (this.apiTypes.indexOf(type) < 10 && this.rng.chance(0.5)) this.setText('internal/pb/eventsv1/events.pb.go', renderPbGo(this.apiTypes.slice(0, 10)));
    const path = this.pickSource((_p, m) => m.lang === 'ts' || m.lang === 'tsx');
    if (path) this.editBody(path, 'insert');
    return { subject: `feat(api): expose ${prop} on ${type.name}`, body: this.rng.chance(0.6) ? 'Regenerated the API types from the OpenAPI schema.' : undefined };
  }

  private deleteCommit(): Message | null {
    if (this.sources.size < 150) return null;
    const path = this.pickSource();
    if (!path) return null;
    const meta = this.meta(path);
    const file = this.code(path);
    const name = file.classes[0]?.name ?? file.functions[0]?.name ?? path;
    this.remove(path);
    this.sources.delete(path);
    const testPath = this.tests.get(path);
    if (testPath && this.files.has(testPath)) this.remove(testPath);
    this.tests.delete(path);
    this.updateIndex(meta.domain, meta.lang);
    const scope = this.scope(meta.domain);
    return { subject: this.rng.pick([`chore${scope}: remove unused ${name}`, `refactor${scope}: drop deprecated ${path.slice(path.lastIndexOf('/') + 1)}`, `feat${scope}!: remove ${meta.baseWords.join(' ')}`]), body: this.rng.chance(0.5) ? `Nothing calls it since the ${this.rng.pick(meta.domain.nouns)} rewrite.` : undefined, structural: true };
  }

  private vague(): Message | null {
    const path = this.pickSource();
    if (!path) return null;
    if (!this.editBody(path, this.rng.pick(['literal', 'replace'] as const))) return null;
    return { subject: this.rng.pick(['wip', 'fix typo', 'address review comments', 'cleanup', 'minor tweaks', 'update', 'fix lint', 'oops', 'more fixes', 'Apply suggestions from code review']) };
  }

  private style(): Message | null {
    const lang = this.rng.pick(['ts', 'py', 'go', 'java', 'rs'] as const);
    const paths = this.rng.sample([...this.sources.entries()].filter(([p, m]) => m.lang === lang && !this.locked.has(p)).map(([p]) => p), this.rng.int(4, 14));
    if (paths.length === 0) return null;
    for (const p of paths) {
      const f = this.code(p);
      const block = f.imports.findIndex((l, i) => i > 0 && l !== '' && (f.imports[i - 1] ?? '') !== '' && l < (f.imports[i - 1] ?? ''));
      if (block > 0) f.imports.sort((a, b) => (a === '' || b === '' ? 0 : a.localeCompare(b)));
      else if (f.consts.length > 0) f.consts = [...f.consts].reverse();
      else this.editBody(p, 'literal');
    }
    return { subject: this.rng.pick([`style: sort imports`, `style(${lang}): apply formatter`, 'chore: lint fixes']) };
  }

  private release(): Message {
    const major = this.version[0] ?? 0;
    const minor = this.version[1] ?? 0;
    const patch = this.version[2] ?? 0;
    const hasFeat = this.releaseNotes.some((n) => n.startsWith('feat'));
    this.version = hasFeat ? [major, minor + 1, 0] : [major, minor, patch + 1];
    if (minor >= 9 && hasFeat && this.rng.chance(0.5)) this.version = [major + 1, 0, 0];
    const v = this.version.join('.');
    const date = new Date(this.time * 1000).toISOString().slice(0, 10);
    const feats = this.releaseNotes.filter((n) => n.startsWith('feat')).slice(-12);
    const fixes = this.releaseNotes.filter((n) => n.startsWith('fix')).slice(-12);
    const section = [`## [${v}] - ${date}`, ''];
    if (feats.length > 0) section.push('### Features', '', ...feats.map((f) => `- ${f.replace(/^feat(\([^)]*\))?!?: /, '')}`), '');
    if (fixes.length > 0) section.push('### Bug Fixes', '', ...fixes.map((f) => `- ${f.replace(/^fix(\([^)]*\))?: /, '')}`), '');
    const lines = this.text('CHANGELOG.md');
    lines.splice(2, 0, ...section);
    this.writeNpm();
    this.releaseNotes.length = 0;
    return { subject: `chore(release): v${v}` };
  }

  // ---- emission -----------------------------------------------------------------------------

  private nextTime(): number {
    this.time += Math.max(30, Math.round(this.gap * (0.15 + 1.7 * this.rng.next())));
    return this.time;
  }

  /** Turns the pending model changes into file changes; null when nothing actually changed. */
  private collectChanges(): FileChange[] | null {
    const changes: FileChange[] = [];
    for (const [path, before] of [...this.touched.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const after = this.files.get(path);
      if (!after) {
        if (before) changes.push({ path });
        continue;
      }
      const content = renderFile(path, after);
      if (before) {
        const old = this.rendered.get(path) ?? renderFile(path, before);
        if (typeof old === 'string' ? old === content : Buffer.isBuffer(content) && old.equals(content)) continue;
      }
      changes.push({ path, content });
    }
    return changes.length > 0 ? changes : null;
  }

  private message(msg: Message): string {
    return `${msg.subject}\n${msg.body ? `\n${msg.body}\n` : ''}`;
  }

  /** Runs one planner; returns the staged message or null (model restored) when it did not apply. */
  private plan(planner: () => Message | null): Staged | null {
    this.touched = new Map();
    let msg: Message | null;
    try {
      msg = planner();
    } catch (err) {
      if (!(err instanceof Locked)) throw err;
      msg = null;
    }
    const changes = msg ? this.collectChanges() : null;
    if (!msg || !changes) {
      this.abort();
      return null;
    }
    const before = this.touched;
    this.touched = new Map();
    this.remember(changes);
    return { msg, changes, before };
  }

  private remember(changes: FileChange[]): void {
    for (const change of changes) {
      if (change.content === undefined) this.rendered.delete(change.path);
      else this.rendered.set(change.path, change.content);
    }
  }

  private async emit(ref: string, staged: Staged, extra: { from?: number; merge?: number; committer?: Ident } = {}): Promise<number> {
    const mark = ++this.mark;
    const author = staged.msg.author ?? this.author();
    await this.fi.commit({ ref, mark, author, committer: extra.committer ?? author, time: this.nextTime(), message: this.message(staged.msg), from: extra.from, merge: extra.merge, changes: staged.changes });
    return mark;
  }

  private async emitMain(staged: Staged, opts: { revertible: boolean; merge?: number; committer?: Ident }): Promise<void> {
    const mark = await this.emit('refs/heads/main', staged, { merge: opts.merge, committer: opts.committer, from: opts.merge !== undefined ? this.mainHead : undefined });
    this.mainHead = mark;
    this.seq++;
    for (const path of staged.before.keys()) this.lastTouched.set(path, this.seq);
    if (/^(feat|fix)/.test(staged.msg.subject)) this.releaseNotes.push(staged.msg.subject);
    this.history.push({ seq: this.seq, mark, subject: staged.msg.subject, before: staged.before, revertible: opts.revertible && !staged.msg.structural && staged.msg.author !== BOT });
    if (this.history.length > 40) this.history.shift();
  }

  private planner(kind: Kind): () => Message | null {
    const table: Record<Kind, () => Message | null> = {
      fix: () => this.fix(),
      feat: () => this.feat(),
      refactor: () => this.refactor(),
      large: () => this.largeRefactor(),
      test: () => this.testCommit(),
      docs: () => this.docs(),
      perf: () => this.fix(true),
      deps: () => this.deps(),
      ci: () => this.ci(),
      bundle: () => this.bundleCommit(),
      asset: () => this.asset(),
      vendor: () => this.vendor(),
      generated: () => this.generated(),
      delete: () => (this.rng.chance(Math.min(1, this.addRate * 25)) ? this.deleteCommit() : null),
      vague: () => this.vague(),
      style: () => this.style(),
    };
    return table[kind];
  }

  private stageNormal(allowed?: Kind[]): Staged {
    const weights = allowed ? (Object.fromEntries(allowed.map((k) => [k, KIND_WEIGHTS[k]])) as Record<Kind, number>) : KIND_WEIGHTS;
    for (let attempt = 0; attempt < 100; attempt++) {
      const staged = this.plan(this.planner(this.rng.weighted(weights)));
      if (staged) return staged;
    }
    throw new Error('could not plan a commit');
  }

  private async revert(): Promise<boolean> {
    const candidates = this.history.filter((h) => h.revertible && h.seq >= this.seq - 25 && [...h.before.entries()].every(([p, b]) => b !== null && this.files.has(p) && this.lastTouched.get(p) === h.seq));
    if (candidates.length === 0) return false;
    const target = this.rng.pick(candidates);
    const sha = await this.fi.sha(target.mark);
    const staged = this.plan(() => {
      for (const [path, before] of target.before) {
        this.touch(path);
        this.files.set(path, cloneFile(before)!);
      }
      const reason = this.rng.pick(['', '', 'It broke the nightly build.', 'Causes a regression in staging; reverting until we understand why.', 'Needs more work.']);
      return { subject: `Revert "${target.subject}"`, body: `This reverts commit ${sha}.${reason ? `\n\n${reason}` : ''}` };
    });
    if (!staged) return false;
    target.revertible = false;
    await this.emitMain(staged, { revertible: false });
    return true;
  }

  /** A side branch of 1-3 commits merged with --no-ff, maybe after unrelated mainline commits. */
  private async mergeGroup(budget: number): Promise<void> {
    const fork = this.mainHead;
    const branchKinds: Kind[] = ['fix', 'feat', 'test', 'docs', 'perf', 'refactor'];
    const branchTouched = new Set<string>();
    const author = this.author();
    const titles: string[] = [];
    let tip = fork;
    const addRate = this.addRate;
    // Structural changes on a branch would need rename-aware merges; keep the branch to in-place edits.
    this.addRate = 0;
    this.locked = new Set(['CHANGELOG.md', 'package.json', 'package-lock.json']);
    for (let i = this.rng.int(1, 3); i > 0; i--) {
      const staged = this.stageNormal(branchKinds);
      staged.msg.author = author;
      for (const p of staged.before.keys()) branchTouched.add(p);
      tip = await this.emit('refs/heads/side', staged, tip === fork ? { from: fork } : {});
      titles.push(staged.msg.subject);
    }
    this.locked = branchTouched;
    const intermediates = Math.min(budget - 1, this.rng.chance(0.5) ? this.rng.int(1, 2) : 0);
    for (let i = 0; i < intermediates; i++) await this.emitMain(this.stageNormal(['fix', 'test', 'docs', 'perf', 'vague', 'refactor']), { revertible: false });
    this.locked = new Set();
    this.addRate = addRate;
    const changes = [...branchTouched].sort().map((path) => {
      const f = this.files.get(path);
      return f ? { path, content: renderFile(path, f) } : { path };
    });
    this.prNumber += this.rng.int(1, 9);
    const branch = kebab(titles[0]!.replace(/^\w+(\([^)]*\))?!?:\s*/, '').split(/[^A-Za-z0-9]+/).filter(Boolean).slice(0, 5).map((w) => w.toLowerCase()));
    const title = titles.length === 1 ? titles[0]! : titles[titles.length - 1]!;
    const login = author.name.split(' ')[0]!.toLowerCase();
    const msg: Message = this.rng.chance(0.8)
      ? { subject: `Merge pull request #${this.prNumber} from ${login}/${branch}`, body: title }
      : { subject: `Merge branch '${branch}'`, body: undefined };
    await this.emitMain({ msg: { ...msg, author }, changes, before: new Map([...branchTouched].map((p) => [p, null])) }, { revertible: false, merge: tip, committer: msg.subject.startsWith('Merge pull') ? { name: 'GitHub', email: 'noreply@github.com', tz: '+0000' } : author });
    for (const p of branchTouched) this.lastTouched.set(p, this.seq);
    for (const t of titles) if (/^(feat|fix)/.test(t)) this.releaseNotes.push(t);
  }

  async run(): Promise<void> {
    this.touched = new Map();
    this.buildInitialTree();
    const initial = this.collectChanges();
    if (!initial) throw new Error('empty initial tree');
    const before = this.touched;
    this.touched = new Map();
    this.remember(initial);
    await this.emitMain({ msg: { subject: 'chore: initial commit', author: AUTHORS[0] }, changes: initial, before }, { revertible: false });
    while (this.seq < this.total) {
      const left = this.total - this.seq;
      if (this.seq >= this.nextRelease) {
        this.nextRelease = this.seq + this.rng.int(60, 140);
        const staged = this.plan(() => this.release());
        if (staged) {
          await this.emitMain(staged, { revertible: false });
          const v = `v${this.version.join('.')}`;
          this.fi.tag(v, this.mainHead, AUTHORS[0]!, this.time, `Release ${v}\n`);
          continue;
        }
      }
      const r = this.rng.next();
      if (r < 0.04 && left >= 2 && this.seq > 10) {
        await this.mergeGroup(left);
        continue;
      }
      if (r < 0.048 && (await this.revert())) continue;
      await this.emitMain(this.stageNormal(), { revertible: true });
    }
    await this.fi.end();
  }
}

/** Creates a git repository at `dir` with `opts.commits` first-parent commits on `main`. */
export async function createSyntheticRepo(dir: string, opts: SyntheticRepoOptions): Promise<SyntheticRepoResult> {
  const started = performance.now();
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  if ((await readdir(target)).length > 0) throw new Error(`${target} is not empty`);
  if (!Number.isInteger(opts.commits) || opts.commits < 1) throw new Error('commits must be a positive integer');
  await run('git', ['init', '--quiet', '--initial-branch=main', target]);
  const sim = new Simulator(opts.commits, opts.seed ?? 1, target);
  await sim.run();
  await run('git', ['update-ref', '-d', 'refs/heads/side'], { cwd: target }).catch(() => undefined);
  await run('git', ['reset', '--hard', '--quiet', 'main'], { cwd: target });
  return { dir: target, commits: opts.commits, seconds: Math.round((performance.now() - started) / 10) / 100 };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [dir, commits, seed] = process.argv.slice(2);
  if (!dir || !commits) {
    console.error('usage: node --import tsx bench/corpus/syntheticRepo.ts <dir> <commits> [seed]');
    process.exit(2);
  }
  createSyntheticRepo(dir, { commits: Number(commits), seed: seed ? Number(seed) : undefined }).then(
    (result) => console.log(JSON.stringify(result)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
