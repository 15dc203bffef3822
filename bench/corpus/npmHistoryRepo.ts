/**
 * Rebuilds a package's real history from its npm releases: one commit per published version, the
 * commit message taken from that version's section of the package's own changelog.
 * CLI: node --import tsx bench/corpus/npmHistoryRepo.ts <pkg> <dir> [maxVersions]
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * Packages whose tarballs ship their source and a detailed changelog for most releases, with trees
 * big enough (60-400 files) that recall@10 is not trivial; eslint is the largest (about 166 MB of
 * tarballs on a cold cache, ~90 queries). knex is left out: its tarballs carry both src/ and the
 * compiled lib/, so later changes land in files the history never pointed at.
 */
export const DEFAULT_NPM_CORPORA = ['yargs', 'mocha', 'eslint'];

export interface NpmHistoryOptions {
  /** Keep only the newest N versions (after trimming, see README). */
  maxVersions?: number;
  /** Where tarballs and registry metadata are cached; reruns need no network. */
  cacheDir?: string;
  /** Prereleases are skipped by default: the release's changelog section covers them. */
  includePrereleases?: boolean;
}

export interface NpmVersionCommit {
  version: string;
  sha: string;
  date: string;
  /** False for releases without a changelog section: their subject is `chore(release): v<version>`. */
  changelog: boolean;
}

export interface NpmHistoryResult {
  dir: string;
  commits: number;
  withChangelog: number;
  versions: NpmVersionCommit[];
}

export interface ChangelogSection {
  version: string;
  date?: string;
  /** Section text without its heading. */
  text: string;
}

interface Meta {
  versions: string[];
  time: Record<string, string>;
}

const CHANGELOG_NAMES = /^(changelog|history|changes|releases?)(\.(md|markdown|txt))?$/i;
const VERSION = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+[0-9A-Za-z.-]+)?$/;

// ---- versions -----------------------------------------------------------------------------

function parseVersion(v: string): { nums: [number, number, number]; pre: string[] } | null {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(v);
  if (!m) return null;
  return { nums: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/** Semver precedence. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) return a.localeCompare(b);
  for (let i = 0; i < 3; i++) if (pa.nums[i] !== pb.nums[i]) return pa.nums[i]! - pb.nums[i]!;
  if (pa.pre.length === 0 || pb.pre.length === 0) return pb.pre.length - pa.pre.length;
  for (let i = 0; i < Math.max(pa.pre.length, pb.pre.length); i++) {
    const x = pa.pre[i];
    const y = pb.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return Number.isNaN(nx) ? (Number.isNaN(ny) ? x.localeCompare(y) : 1) : -1;
  }
  return 0;
}

// ---- changelog parsing --------------------------------------------------------------------

/**
 * Finds a version heading: `## [1.2.3] - date`, `## 1.2.3 (date)`, `# v1.2.3`, `### [1.2.3](compare-url) (date)`,
 * or the setext `1.2.3 / 2019-01-01` underlined with `===`/`---` (History.md style).
 */
function headingVersion(line: string, next: string | undefined): { version: string; date?: string } | null {
  const date = (s: string): string | undefined => {
    const iso = /(\d{4})[-/.](\d{2})[-/.](\d{2})/.exec(s)?.slice(1, 4).join('-');
    if (iso) return iso;
    const words = /([A-Z][a-z]+\.? \d{1,2},? \d{4})/.exec(s)?.[1];
    const parsed = words ? Date.parse(`${words.replace('.', '')} 12:00 UTC`) : NaN;
    return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString().slice(0, 10);
  };
  const atx = /^#{1,4}\s+(.*)$/.exec(line);
  const setext = next !== undefined && /^\s*(={3,}|-{3,})\s*$/.test(next) ? line : null;
  // ESLint style: a bare `v5.15.0 - March 1, 2019` line followed by a blank line.
  const bare = (next === undefined || next.trim() === '') && /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\s*(?:[-/–]|\()\s*[A-Za-z0-9 ,.)]+)?\s*$/.test(line) ? line : null;
  const head = atx?.[1] ?? setext ?? bare;
  if (head === null || head === undefined) return null;
  const m = /^(?:\[|version\s+|release\s+|v(?=\d))*\[?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\]?/i.exec(head.trim());
  if (!m?.[1]) return null;
  return { version: m[1], date: date(head) };
}

/** Splits a changelog into per-version sections. */
export function parseChangelog(text: string): ChangelogSection[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const sections: ChangelogSection[] = [];
  let current: { version: string; date?: string; start: number } | null = null;
  const close = (end: number): void => {
    if (!current) return;
    const body = lines.slice(current.start, end);
    // A setext underline belongs to the heading, and the next heading's text line to the next section.
    while (body.length > 0 && /^\s*(={3,}|-{3,})?\s*$/.test(body[0]!)) body.shift();
    sections.push({ version: current.version, date: current.date, text: body.join('\n').trim() });
  };
  for (let i = 0; i < lines.length; i++) {
    const found = headingVersion(lines[i]!, lines[i + 1]);
    if (!found) continue;
    close(i);
    current = { ...found, start: i + 1 };
  }
  close(lines.length);
  return sections.filter((s) => s.text.length > 0);
}

/** Markdown noise that says nothing about the change: link targets, commit hashes, reference definitions. */
export function cleanChangelogText(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*\[[^\]]+\]:\s*\S+/.test(l) && !/^\s*<!--.*-->\s*$/.test(l))
    .join('\n')
    .replace(/\s*\(\[[0-9a-f]{7,40}\]\([^)]*\)\)/g, '')
    .replace(/\s*\[[0-9a-f]{7,40}\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\((?:https?:[^)]*|[^)\s]*)\)/g, '$1')
    .replace(/\[(#\d+|@[\w-]+)\]/g, '$1')
    .replace(/^(\s*[-*+]\s+)`?[0-9a-f]{7,40}`?\s+/gm, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Subject `v<version>: <first bullet>`, body the rest of the section. */
export function sectionMessage(version: string, text: string): string {
  const cleaned = cleanChangelogText(text)
    .replace(/\*\*([^*\n]+)\*\*/g, '$1')
    .replace(/\\([_*`#[\]<>])/g, '$1');
  const lines = cleaned.split('\n');
  const isBullet = (l: string): boolean => /^\s*[-*+]\s+\S/.test(l);
  const isHeading = (l: string): boolean => /^\s*#/.test(l);
  // Release bookkeeping ("* 0.17.1 (author)", "changelog update for 1.2.3") says nothing about the change.
  const isBookkeeping = (l: string): boolean => /^\s*[-*+]\s+v?\d+\.\d+\.\d+\S*\s*(\(.*\))?\s*$/.test(l) || /changelog update for|^\s*[-*+]\s+Sponsors:/i.test(l);
  // A bullet that only introduces a nested list ("* remove:") makes a poor subject.
  let firstBullet = lines.findIndex((l) => isBullet(l) && !isBookkeeping(l) && !/:\s*$/.test(l));
  if (firstBullet < 0) firstBullet = lines.findIndex(isBullet);
  const first = firstBullet >= 0 ? firstBullet : lines.findIndex((l) => l.trim() !== '' && !isHeading(l));
  if (first < 0) return `v${version}\n`;
  // A bullet may wrap over several lines, indented or not; they all belong to the subject.
  let end = first + 1;
  while (end < lines.length && lines[end]!.trim() !== '' && !isBullet(lines[end]!) && !isHeading(lines[end]!)) end++;
  const subject = lines
    .slice(first, end)
    .map((l) => l.trim())
    .join(' ')
    .replace(/^[-*+]\s+/, '')
    .replace(/\s+/g, ' ');
  const rest = [...lines.slice(0, first), ...lines.slice(end)];
  // Drop headings left with nothing under them once the first bullet moved to the subject.
  const kept = rest.filter((l, i) => {
    if (!isHeading(l)) return true;
    const next = rest.slice(i + 1).find((x) => x.trim() !== '');
    return next !== undefined && !isHeading(next);
  });
  const body = kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  return `v${version}: ${subject}\n${body ? `\n${body}\n` : ''}`;
}

// ---- registry and cache -------------------------------------------------------------------

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await exec('npm', args, { cwd, maxBuffer: 1 << 28, env: { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false' } });
  return stdout;
}

async function loadMeta(pkg: string, cache: string): Promise<Meta> {
  const file = join(cache, 'meta.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Meta;
  const raw = JSON.parse(await npm(['view', pkg, 'versions', 'time', '--json'], cache)) as { versions?: string[] | string; time?: Record<string, string> };
  const versions = Array.isArray(raw.versions) ? raw.versions : raw.versions ? [raw.versions] : [];
  const meta: Meta = { versions, time: raw.time ?? {} };
  await writeFile(file, JSON.stringify(meta));
  return meta;
}

function tarballName(pkg: string, version: string): string {
  return `${pkg.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** Downloads missing tarballs with `npm pack`, in batches; versions the registry cannot serve are dropped. */
async function fetchTarballs(pkg: string, versions: string[], cache: string): Promise<Set<string>> {
  const missing = versions.filter((v) => !existsSync(join(cache, tarballName(pkg, v))));
  for (let i = 0; i < missing.length; i += 40) {
    const batch = missing.slice(i, i + 40);
    try {
      await npm(['pack', ...batch.map((v) => `${pkg}@${v}`), '--pack-destination', cache, '--json'], cache);
    } catch {
      for (const v of batch) await npm(['pack', `${pkg}@${v}`, '--pack-destination', cache, '--json'], cache).catch(() => undefined);
    }
  }
  return new Set(versions.filter((v) => existsSync(join(cache, tarballName(pkg, v)))));
}

async function extract(tarball: string, into: string): Promise<void> {
  await mkdir(into, { recursive: true });
  // Tarballs have one root folder (usually package/), whatever its name.
  await exec('tar', ['-xzf', tarball, '-C', into, '--strip-components=1', '--no-same-owner', '--no-same-permissions', '--warning=no-unknown-keyword']);
  // Old tarballs carry odd modes (folders without x); fix them, leaving the repository's .git alone.
  const entries = (await readdir(into)).filter((e) => e !== '.git').map((e) => join(into, e));
  if (entries.length > 0) await exec('chmod', ['-R', 'u+rwX', ...entries]);
}

/**
 * Lists a tarball: its newest file time (when it predates npm's fixed 1985 timestamps, which npm
 * stopped keeping in 2018) and its top-level changelog, if any.
 */
async function inspectTarball(tarball: string): Promise<{ time?: number; changelog?: string }> {
  const { stdout } = await exec('tar', ['--full-time', '--warning=no-unknown-keyword', '-tvzf', tarball], { maxBuffer: 1 << 26 });
  let newest = 0;
  let changelog: string | undefined;
  for (const line of stdout.split('\n')) {
    const m = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (.*)$/.exec(line);
    if (!m) continue;
    const t = Date.parse(`${m[1]}T${m[2]}Z`);
    if (t > newest) newest = t;
    const name = /^[^/]+\/([^/]+)$/.exec(m[3]!)?.[1];
    if (line.startsWith('-') && name && CHANGELOG_NAMES.test(name) && (changelog === undefined || m[3]!.length < changelog.length)) changelog = m[3];
  }
  const time = newest > Date.UTC(1990, 0, 1) && newest < Date.now() ? newest : undefined;
  if (changelog === undefined) return { time };
  const { stdout: text } = await exec('tar', ['--warning=no-unknown-keyword', '-xzOf', tarball, changelog], { maxBuffer: 1 << 28 });
  return { time, changelog: text };
}

/** Authors from package.json: a person's name, or the package's name when it names nobody. */
async function authorOf(dir: string, pkg: string): Promise<{ name: string; email: string }> {
  try {
    const json = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { author?: string | { name?: string; email?: string } };
    const a = json.author;
    if (typeof a === 'string') {
      const m = /^([^<(]+?)\s*(?:<([^>]+)>)?(?:\s*\(.*\))?$/.exec(a.trim());
      if (m?.[1]) return { name: m[1], email: m[2] ?? `${pkg}@npm` };
    } else if (a?.name) return { name: a.name, email: a.email ?? `${pkg}@npm` };
  } catch {
    // Broken package.json in an old tarball: fall through to the package name.
  }
  return { name: `${pkg} maintainers`, email: `${pkg}@npm` };
}

async function git(args: string[], cwd: string, input?: string, env?: Record<string, string>): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', args, { cwd, env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`git ${args.join(' ')}: ${err.trim()}`))));
    if (child.stdin) {
      // git may exit before reading its input; EPIPE must not crash the build.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

/**
 * Author dates: the changelog's date, else the tarball's file times (npm stopped keeping them in 2018),
 * else the registry's publish time if it fits between its neighbours, else interpolated.
 * Dates never go backwards along the history.
 */
function assignDates(versions: string[], known: Map<string, number>, registry: Record<string, string>): number[] {
  const dates: (number | undefined)[] = versions.map((v) => known.get(v));
  for (let i = 0; i < versions.length; i++) {
    if (dates[i] !== undefined) continue;
    const r = Date.parse(registry[versions[i]!] ?? '');
    const prev = dates.slice(0, i).reverse().find((d) => d !== undefined);
    const next = dates.slice(i + 1).find((d) => d !== undefined);
    if (!Number.isNaN(r) && (prev === undefined || r >= prev) && (next === undefined || r <= next)) dates[i] = r;
  }
  const out: number[] = [];
  for (let i = 0; i < versions.length; i++) {
    let d = dates[i];
    if (d === undefined) {
      const prevIdx = out.length - 1;
      const nextIdx = dates.findIndex((x, j) => j > i && x !== undefined);
      const prev = prevIdx >= 0 ? out[prevIdx] : undefined;
      const next = nextIdx >= 0 ? dates[nextIdx] : undefined;
      if (prev !== undefined && next !== undefined) d = prev + (next - prev) / (nextIdx - prevIdx);
      else if (prev !== undefined) d = prev + 86_400_000;
      else if (next !== undefined) d = next - 86_400_000 * (nextIdx - i);
      else d = Date.UTC(2015, 0, 1) + i * 86_400_000;
    }
    const prev = out[out.length - 1];
    out.push(prev !== undefined && d <= prev ? prev + 3_600_000 : d);
  }
  return out;
}

/** Builds (or rebuilds) `dir` as a git repository with one commit per release of `pkg`. */
export async function buildNpmHistoryRepo(pkg: string, dir: string, opts: NpmHistoryOptions = {}): Promise<NpmHistoryResult> {
  const target = resolve(dir);
  const cache = join(resolve(opts.cacheDir ?? '.bench/npm-cache'), pkg.replace('/', '__'));
  await mkdir(cache, { recursive: true });
  const meta = await loadMeta(pkg, cache);
  let versions = meta.versions.filter((v) => VERSION.test(v) && (opts.includePrereleases || !v.includes('-'))).sort(compareVersions);
  const available = await fetchTarballs(pkg, versions, cache);
  versions = versions.filter((v) => available.has(v));
  if (versions.length === 0) throw new Error(`no downloadable versions of ${pkg}`);

  // Changelog sections from every tarball that ships one; newer files win for a version they both cover.
  const sections = new Map<string, ChangelogSection>();
  const times = new Map<string, number>();
  for (const v of [...versions].reverse()) {
    const { time, changelog } = await inspectTarball(join(cache, tarballName(pkg, v)));
    if (time !== undefined) times.set(v, time);
    if (changelog !== undefined) for (const s of parseChangelog(changelog)) if (!sections.has(s.version)) sections.set(s.version, s);
  }
  for (const [v, s] of sections) {
    const d = s.date ? Date.parse(`${s.date}T12:00:00Z`) : NaN;
    if (!Number.isNaN(d)) times.set(v, d);
  }

  // Releases after the last documented one can be neither queries nor context for one.
  const lastDocumented = versions.findLastIndex((v) => sections.has(v));
  if (lastDocumented < 0) throw new Error(`${pkg}: no changelog sections found in any tarball`);
  versions = versions.slice(0, lastDocumented + 1);
  if (opts.maxVersions !== undefined && versions.length > opts.maxVersions) versions = versions.slice(versions.length - opts.maxVersions);
  const dates = assignDates(versions, times, meta.time);

  // Build next to the target and move it in place at the end, so a failed run leaves no half repository.
  const building = `${target}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  await git(['init', '--quiet', '--initial-branch=main'], building);
  await git(['config', 'core.autocrlf', 'false'], building);
  // A background auto-gc would race with the next version's file replacement.
  await git(['config', 'gc.auto', '0'], building);
  for (let i = 0; i < versions.length; i++) {
    const v = versions[i]!;
    for (const entry of await readdir(building)) if (entry !== '.git') await rm(join(building, entry), { recursive: true, force: true });
    await extract(join(cache, tarballName(pkg, v)), building);
    // A tarball's own .gitignore must not hide its files.
    await git(['add', '--all', '--force', '.'], building);
    const section = sections.get(v);
    const message = section ? sectionMessage(v, section.text) : `chore(release): v${v}\n`;
    const who = await authorOf(building, pkg);
    const when = new Date(dates[i]!).toISOString();
    await git(['commit', '--quiet', '--allow-empty', '--no-verify', '-F', '-'], building, message, {
      GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email, GIT_COMMITTER_DATE: when,
    });
  }
  await git(['gc', '--quiet'], building);
  await chmod(building, 0o755);
  await rm(target, { recursive: true, force: true });
  await mkdir(resolve(target, '..'), { recursive: true });
  await rename(building, target);
  const shas = (await git(['rev-list', '--reverse', 'HEAD'], target)).trim().split('\n');
  const commits: NpmVersionCommit[] = versions.map((version, i) => ({ version, sha: shas[i] ?? '', date: new Date(dates[i]!).toISOString(), changelog: sections.has(version) }));
  return { dir: target, commits: commits.length, withChangelog: commits.filter((c) => c.changelog).length, versions: commits };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [pkg, dir, max] = process.argv.slice(2);
  if (!pkg || !dir) {
    console.error('usage: node --import tsx bench/corpus/npmHistoryRepo.ts <pkg> <dir> [maxVersions]');
    process.exit(2);
  }
  buildNpmHistoryRepo(pkg, dir, { maxVersions: max ? Number(max) : undefined }).then(
    ({ versions, ...summary }) => console.log(JSON.stringify({ ...summary, first: versions[0]?.version, last: versions[versions.length - 1]?.version })),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
