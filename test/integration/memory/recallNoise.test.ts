import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { recallInWorkspace } from '../../../src/core/memory/recallService.ts';
import type { RecallResult } from '../../../src/core/memory/recall.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { memoryStats } from '../../../src/core/memory/stats.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import type { Workspace } from '../../../src/core/workspace.ts';
import { runCliAsync } from '../../helpers/cliProcess.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

const HELPERS = (formatBody: string | null) => `${formatBody === null ? "const { formatDate } = require('./dates');\n\n" : `function formatDate(date) {\n${formatBody}\n}\n\n`}function slugify(text) {
  return text.toLowerCase().replace(/ /g, '-');
}

module.exports = { formatDate, slugify };
`;

const MODEL = (saveBody: string | null) => `${saveBody === null ? '' : `class LegacyModel {\n  save() {\n${saveBody}\n  }\n}\n\n`}class Model {
  load() {
    return 'loaded';
  }
}

module.exports = { ${saveBody === null ? '' : 'LegacyModel, '}Model };
`;

const SIGNER = (body: string) => `class Signer:
    def sign(self, value):
${body}

    def verify(self, value):
        return True
`;

const TEST_FILE = (name: string, time = 0) => `const { formatDate } = require('../src/dates');

it('${name} keeps the offset', () => {
  const res = formatDate(new Date(${time}));
  if (!res.includes('+')) throw new Error('no offset');
});
`;

const QUERY = (body: string) => `function parseQuery(text) {
${body}
}

module.exports = { parseQuery };
`;

const names = (result: RecallResult) => result.symbols.map((s) => `${s.container ? `${s.container}.` : ''}${s.name}@${s.path}`);

describe('recall without noise', () => {
  let repo: GitRepo;
  let storeDir: string;
  let workspace: Workspace;
  const shas: Record<string, string> = {};

  before(async () => {
    repo = GitRepo.create('coevolve-noise-');
    repo.commit('feat: add date helpers and models', {
      'src/helpers.js': HELPERS('  return date.toISOString();'),
      'src/model.js': MODEL("    return 'saved';"),
      'pkg/__init__.py': SIGNER('        return value'),
      'src/server/query.js': QUERY('  return text.split("&");'),
      'src/client/query.js': QUERY('  return text.split("&");'),
      'src/odd name[1].js': 'function oddOne(a) {\n  return a;\n}\n',
    });
    repo.commit('fix: oddOne returns a copy', { 'src/odd name[1].js': 'function oddOne(a) {\n  return [...a];\n}\n' });
    repo.commit('fix: formatDate keeps the timezone offset', { 'src/helpers.js': HELPERS("  const offset = date.getTimezoneOffset();\n  return date.toISOString() + offset;") });
    repo.commit('fix: LegacyModel save retries once on a timeout', { 'src/model.js': MODEL("    try { return 'saved'; } catch { return 'retried'; }") });
    repo.commit('fix: Signer.sign strips whitespace from the value', { 'pkg/__init__.py': SIGNER('        return value.strip()') });
    repo.commit('fix: parseQuery decodes plus signs as spaces', {
      'src/server/query.js': QUERY('  return text.replace(/\\+/g, " ").split("&");'),
      'src/client/query.js': QUERY('  return text.replace(/\\+/g, " ").split("&");'),
    });
    repo.commit('test: cover timezone offsets in every formatter', {
      'test/dates.test.js': TEST_FILE('dates'),
      'test/helpers.test.js': TEST_FILE('helpers'),
      'test/format.test.js': TEST_FILE('format'),
    });
    // Changed inside the test callbacks: the locals there are mined as symbols.
    repo.commit('test: timezone offsets may be negative', {
      'test/dates.test.js': TEST_FILE('dates', -1),
      'test/helpers.test.js': TEST_FILE('helpers', -1),
      'test/format.test.js': TEST_FILE('format', -1),
    });
    repo.commit('refactor: move formatDate into a dates module', {
      'src/dates.js': "function formatDate(date) {\n  const offset = date.getTimezoneOffset();\n  return date.toISOString() + offset;\n}\n\nmodule.exports = { formatDate };\n",
      'src/helpers.js': HELPERS(null),
    });
    repo.commit('refactor: move Signer into its own module', {
      'pkg/signer.py': SIGNER('        return value.strip()'),
      'pkg/__init__.py': 'from .signer import Signer\n',
    });
    shas.beforeRemoval = repo.head();
    shas.removal = repo.commit('refactor: remove the LegacyModel class', { 'src/model.js': MODEL(null) });

    // A release tag merged back, and a remote-tracking sync: their messages share the query's words.
    repo.git('checkout', '-q', '-b', 'release', shas.removal);
    repo.commit('chore: bump the version', { 'src/version.js': "module.exports = '1.0.0';\n" });
    repo.git('tag', '-a', 'v1.0.0', '-m', 'Release 1.0.0');
    repo.git('checkout', '-q', '-b', 'upstream', shas.removal);
    repo.commit('chore: regenerate the release notes', { 'RELEASE.md': '# Notes\n' });
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-ff', '-m', "Merge tag 'v1.0.0'", '-m', 'Release 1.0.0: the timezone offset fixes and the parseQuery plus signs fix.', 'v1.0.0');
    repo.git('merge', '-q', '--no-ff', '-m', "Merge remote-tracking branch 'origin/main'", '-m', 'timezone offset and parseQuery plus signs notes', 'upstream');

    repo.git('mv', 'src/model.js', 'src/models.js');
    repo.commit('refactor: rename model.js to models.js');
    repo.commit('feat: Model.load reports where it loaded from', { 'src/models.js': MODEL(null).replace("return 'loaded';", "return 'loaded from disk';") });

    storeDir = join(tempDir('coevolve-noise-store-'), '.coevolve');
    await mineHistory(repo.dir, { storeDir });
    workspace = await resolveWorkspace(repo.dir, storeDir);
  });

  after(() => {
    repo.remove();
    rmSync(join(storeDir, '..'), { recursive: true, force: true });
  });

  it('shows a function where it moved to, not in the file it left', async () => {
    const result = await recallInWorkspace(workspace, 'formatDate loses the timezone offset');
    const formatDate = result.symbols.filter((s) => s.name === 'formatDate');
    assert.equal(formatDate.length, 1, names(result).join(', '));
    assert.equal(formatDate[0]!.path, 'src/dates.js', names(result).join(', '));
    assert.ok(!names(result).includes('formatDate@src/helpers.js'));
    // Nor does a file's reason say the file it left "has" it.
    const helpers = result.files.find((f) => f.path === 'src/helpers.js');
    assert.ok(!helpers || !helpers.why.some((w) => /has .*formatDate/.test(w)), JSON.stringify(helpers));
    assert.ok(!helpers?.named?.includes('formatDate'), JSON.stringify(helpers));
  });

  it('shows a class that moved to another module there, with where it came from', async () => {
    const result = await recallInWorkspace(workspace, 'Signer.sign whitespace');
    const signer = result.symbols.filter((s) => s.name === 'sign' && s.container === 'Signer');
    assert.equal(signer.length, 1, names(result).join(', '));
    assert.equal(signer[0]!.path, 'pkg/signer.py');
    assert.ok(!result.symbols.some((s) => s.path === 'pkg/__init__.py'), names(result).join(', '));
    const moved = result.symbols.find((s) => s.movedFrom === 'pkg/__init__.py');
    assert.ok(moved, `a symbol history put in pkg/__init__.py says it moved: ${JSON.stringify(result.symbols)}`);
    assert.equal(moved.path, 'pkg/signer.py');
    assert.ok(moved.why[0]!.includes('pkg/__init__.py'), moved.why.join('; '));
  });

  it('drops a class that was removed', async () => {
    const result = await recallInWorkspace(workspace, 'LegacyModel save retries on a timeout');
    assert.ok(result.experiences.some((e) => e.subject.startsWith('fix: LegacyModel save')), 'the past change is still recalled');
    assert.ok(!result.symbols.some((s) => s.name === 'LegacyModel' || s.container === 'LegacyModel'), names(result).join(', '));
    assert.ok(!result.files.some((f) => f.why.some((w) => /has .*LegacyModel/.test(w))), JSON.stringify(result.files));
  });

  it('keeps a symbol that existed at the --before cutoff, though it is gone now', async () => {
    const result = await recallInWorkspace(workspace, 'LegacyModel save retries on a timeout', { before: shas.removal! });
    const save = result.symbols.find((s) => s.name === 'save' && s.container === 'LegacyModel');
    assert.ok(save, names(result).join(', '));
    // At the cutoff it was there: the file's reason still says so.
    assert.ok(result.files.some((f) => f.why.some((w) => /has .*LegacyModel/.test(w))), JSON.stringify(result.files));
    // Named as the file was called at the cutoff (it was renamed later).
    assert.equal(save.path, 'src/model.js');
  });

  it("keeps a replay's cutoff the same way (a position, not a commit name)", async () => {
    const seq = Number(repo.git('rev-list', '--count', '--first-parent', shas.removal!).trim());
    const result = await recallInWorkspace(workspace, 'LegacyModel save retries on a timeout', { cutoff: { seq } });
    assert.ok(result.symbols.some((s) => s.name === 'save' && s.container === 'LegacyModel' && s.path === 'src/model.js'), names(result).join(', '));
  });

  it('checks a file whose name has spaces and brackets', async () => {
    const result = await recallInWorkspace(workspace, 'oddOne returns a copy');
    assert.ok(names(result).includes('oddOne@src/odd name[1].js'), names(result).join(', '));
  });

  it('without a repository (a store alone), still merges and leaves out noise, unchecked', async () => {
    const storeOnly: Workspace = { root: tempDir('coevolve-noise-norepo-'), storeDir };
    try {
      const result = await recallInWorkspace(storeOnly, 'parseQuery plus signs');
      assert.equal(result.symbols.filter((s) => s.name === 'parseQuery').length, 1, names(result).join(', '));
      const timezone = await recallInWorkspace(storeOnly, 'timezone offsets may be negative in every formatter');
      assert.ok(!timezone.symbols.some((s) => s.name === 'res'), names(timezone).join(', '));
    } finally {
      rmSync(storeOnly.root, { recursive: true, force: true });
    }
  });

  it('lists a symbol in several files once, with the other files', async () => {
    const result = await recallInWorkspace(workspace, 'parseQuery plus signs');
    const parseQuery = result.symbols.filter((s) => s.name === 'parseQuery');
    assert.equal(parseQuery.length, 1, names(result).join(', '));
    assert.deepEqual([parseQuery[0]!.path, ...(parseQuery[0]!.alsoIn ?? [])].sort(), ['src/client/query.js', 'src/server/query.js']);
  });

  it("leaves out test files' local variables", async () => {
    const result = await recallInWorkspace(workspace, 'timezone offsets may be negative in every formatter');
    assert.ok(result.files.some((f) => f.path.startsWith('test/')), 'the test files themselves are recalled');
    assert.ok(!result.symbols.some((s) => s.name === 'res'), names(result).join(', '));
  });

  it('gives tag merges and branch syncs no weight as evidence, though they are mined', async () => {
    const subjects: string[] = [];
    for await (const experience of (await MemoryStore.open(storeDir)).experiences()) subjects.push(experience.intent.subject);
    assert.ok(subjects.includes("Merge tag 'v1.0.0'") && subjects.includes("Merge remote-tracking branch 'origin/main'"), subjects.join(' | '));
    for (const text of ['timezone offset fixes', 'parseQuery plus signs']) {
      const result = await recallInWorkspace(workspace, text, { k: 20 });
      assert.ok(result.experiences.length > 0, text);
      assert.ok(!result.experiences.some((e) => e.subject.startsWith('Merge ')), `${text}: ${result.experiences.map((e) => e.subject).join(' | ')}`);
      // Only the merges changed these (on the first-parent line): nothing else points at them.
      assert.ok(!result.files.some((f) => f.path === 'src/version.js' || f.path === 'RELEASE.md'), `${text}: ${result.files.map((f) => f.path).join(', ')}`);
    }
  });

  it('says in the CLI where a symbol moved from and which other files have it', async () => {
    const moved = await runCliAsync(['recall', 'Signer.sign whitespace', '--store', storeDir], repo.dir);
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(moved.stdout, /Signer\.sign \(method\) in pkg\/signer\.py \(moved from pkg\/__init__\.py\)/);
    const twice = await runCliAsync(['recall', 'parseQuery plus signs', '--store', storeDir], repo.dir);
    assert.match(twice.stdout, /parseQuery \(function\) in src\/(client|server)\/query\.js; also in src\/(server|client)\/query\.js/);
    const stats = await runCliAsync(['stats', '--store', storeDir], repo.dir);
    assert.match(stats.stdout, /\n\s+5 {2}src\/models\.js\n/);
    assert.doesNotMatch(stats.stdout, /src\/model\.js\n/);
  });

  it('counts a renamed file once in stats, under its current name', async () => {
    const stats = await memoryStats(storeDir);
    const paths = stats.topFiles.map((f) => f.path);
    assert.ok(!paths.includes('src/model.js'), paths.join(', '));
    // Added, changed, class removed, renamed, changed again.
    assert.deepEqual(stats.topFiles.find((f) => f.path === 'src/models.js'), { path: 'src/models.js', changes: 5 });
  });
});
