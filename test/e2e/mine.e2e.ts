// End to end in a real VS Code (code-server 4.139.1 = VS Code 1.139.1, in Debian's Chromium): the built VSIX is
// installed, a fixture repository is opened, "Co-evolve: Mine Project History" is run from the command palette,
// and both the notification and the store on disk are checked. `npm run test:e2e` sets up, packages and runs it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GitRepo } from '../helpers/gitRepo.ts';
import { launchBrowser, memoryPanelFrame, openWorkbench, screenshot, SCREENSHOT_DIR } from './harness/browser.ts';
import type { Session } from './harness/browser.ts';
import type { Locator } from 'playwright-core';
import { assertInstalled, createProfile, installExtension, startCodeServer } from './harness/codeServer.ts';
import type { CodeServer } from './harness/codeServer.ts';
import { VSIX } from './harness/session.ts';
import { notifications, runCommand, waitForNotification, waitForNotificationGone, waitForToastsSettled } from './harness/palette.ts';
import { ScriptedEmbeddingServer } from '../helpers/scriptedEmbeddingServer.ts';


/** Waits until the element's aria-label matches (the status bar item reads out its tooltip). */
async function waitForLabel(element: Locator, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let label: string | null = null;
  while (Date.now() < deadline) {
    label = await element.getAttribute('aria-label').catch(() => null);
    if (label && pattern.test(label)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the status label never matched ${pattern}: ${label}`);
}

function fixtureRepo(): GitRepo {
  const repo = GitRepo.create('coevolve-e2e-fixture-');
  repo.commit('feat(parser): add a tokenizer for arithmetic expressions', {
    'src/parser.ts': 'export function tokenize(input: string): string[] {\n  return input.split(/\\s+/);\n}\n',
    'package.json': '{ "name": "fixture", "version": "1.0.0" }\n',
  });
  repo.commit('fix(parser): handle empty input in tokenize', {
    'src/parser.ts': 'export function tokenize(input: string): string[] {\n  if (!input.trim()) return [];\n  return input.trim().split(/\\s+/);\n}\n',
  });
  repo.commit('test(parser): cover whitespace-only input', {
    'test/parser.test.ts': "import { tokenize } from '../src/parser';\n\ntest('blank', () => expect(tokenize('  ')).toEqual([]));\n",
  });
  repo.commit('docs: describe the parser', { 'README.md': '# Fixture\n\n`tokenize` splits an expression into tokens.\n' });
  return repo;
}

test('Co-evolve: Mine Project History mines the open folder in a real VS Code', { timeout: 300_000 }, async (t) => {
  assertInstalled();
  const repo = fixtureRepo();
  const commits = Number(repo.git('rev-list', '--count', '--first-parent', 'HEAD').trim());
  assert.equal(commits, 4);
  const profile = createProfile();
  let server: CodeServer | undefined;
  let session: Session | undefined;
  let embeddings: ScriptedEmbeddingServer | undefined;
  const started = Date.now();
  const lap = (what: string) => t.diagnostic(`${what} at ${((Date.now() - started) / 1000).toFixed(1)} s`);
  try {
    installExtension(profile, VSIX);
    lap('VSIX installed');
    server = await startCodeServer(profile, { folder: repo.dir });
    lap(`code-server listening on ${server.url}`);
    session = await launchBrowser();
    const { page } = session;
    await openWorkbench(page, server.url, repo.dir);
    lap('workbench ready');

    await runCommand(page, 'Co-evolve: Mine Project History');
    lap('command run');
    // The first Co-evolve notification that is not the progress toast is the outcome (success or error).
    const outcome = await waitForNotification(page, /^Co-evolve: (?!mining project history)/, 120_000);
    lap('notification shown');
    assert.equal(outcome.text, `Co-evolve: Mined ${commits} commits: ${commits} experiences in memory.`);
    assert.equal(outcome.severity, 'info');
    // The progress toast closes once mining is done; the screenshot shows what the user is left with.
    await waitForNotificationGone(page, /^Co-evolve: mining project history/);
    await waitForToastsSettled(page);
    // The status bar now tells how much memory the project has (and opens the browser on click).
    const memoryItem = page.locator('.statusbar-item[id$="coevolve.memory"]');
    await memoryItem.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match((await memoryItem.innerText()).trim(), new RegExp(`^${commits}$`));
    const shot = await screenshot(page, 'mine-notification');
    t.diagnostic(`screenshot: ${shot}`);

    const metaFile = join(repo.dir, '.coevolve', 'memory', 'meta.json');
    assert.ok(existsSync(metaFile), `${metaFile} was not written`);
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as {
      counts: { experiences: number };
      shards: Record<string, { count: number }>;
      mining: { head?: string; complete: boolean };
    };
    assert.equal(meta.counts.experiences, commits);
    assert.equal(Object.values(meta.shards).reduce((sum, shard) => sum + shard.count, 0), commits);
    assert.equal(meta.mining.head, repo.head());
    assert.equal(meta.mining.complete, true);
    const shard = JSON.parse(readFileSync(join(repo.dir, '.coevolve', 'memory', 'experiences', 'shard-000000.json'), 'utf8')) as {
      items: Array<{ sha: string; intent: { subject: string }; symbols: Array<{ path: string; name: string; kind: string; change: string }> }>;
    };
    assert.deepEqual(
      shard.items.map((item) => item.sha).sort(),
      repo.git('rev-list', '--first-parent', 'HEAD').trim().split('\n').sort(),
    );
    // Symbols come from web-tree-sitter and the grammars shipped in the VSIX: they load in VS Code's extension host.
    const fix = shard.items.find((item) => item.intent.subject === 'fix(parser): handle empty input in tokenize');
    assert.ok(fix, 'the fix commit is in memory');
    assert.deepEqual(fix.symbols, [{ path: 'src/parser.ts', name: 'tokenize', kind: 'function', change: 'modified' }]);

    // With an embedder in models.json, mining again embeds memory and the code at HEAD, as the CLI does.
    embeddings = await ScriptedEmbeddingServer.start();
    writeFileSync(join(repo.dir, '.coevolve', 'models.json'), JSON.stringify({ providers: { embed: { preset: 'openai-compatible', baseURL: embeddings.baseURL } }, roles: { embedder: { provider: 'embed', model: 'hash-embed' } } }));
    // VS Code shows at most three toasts and queues the rest while the window has no focus: clear the first run's.
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'Co-evolve: Mine Project History');
    await waitForNotification(page, /^Co-evolve: Memory is up to date/, 60_000);
    // The result may arrive while toasts are full: it is read from the notification center, where every message lands.
    await runCommand(page, 'Notifications: Show Notifications');
    const centre = page.locator('.notifications-center .notification-list-item-message', { hasText: /^Co-evolve: Embedded / }).first();
    await centre.waitFor({ state: 'visible', timeout: 120_000 });
    const embedded = { text: (await centre.textContent())?.trim() ?? '' };
    assert.match(embedded.text, new RegExp(`^Co-evolve: Embedded ${commits} experience\\(s\\) and [1-9]\\d* code chunk\\(s\\) from [1-9]\\d* changed file\\(s\\) with hash-embed\\.$`));
    assert.ok(embeddings.requests.length > 0, 'the embedding server was asked');
    assert.ok(readdirSync(join(repo.dir, '.coevolve', 'cache', 'embeddings', 'experiences')).length > 0, 'experience vectors on disk');
    // Neither progress notification outlives its work.
    await page.locator('.notifications-center .notification-list-item-message', { hasText: /^Co-evolve: (mining project history|embedding memory)/ }).first().waitFor({ state: 'detached', timeout: 15_000 });
    t.diagnostic(`screenshot: ${await screenshot(page, 'mine-embedded')}`);

    // The memory browser's search fuses the embedder's channel: the query is embedded, and the fix
    // it finds says it is close in meaning (a lexical-only search gives no such reason).
    const asked = embeddings.requests.length;
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'Co-evolve: Open Memory & Skill Browser');
    const frame = await memoryPanelFrame(page);
    await frame.locator('#memory-query input').fill('empty input tokenize');
    await frame.locator('#memory-query input').press('Enter');
    const card = frame.locator('.results article.experience', { hasText: 'fix(parser): handle empty input in tokenize' });
    await card.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await card.innerText(), /close in meaning to the query \(cosine \d\.\d\d\)/);
    assert.ok(embeddings.requests.slice(asked).some((request) => request.inputs.some((input) => input.includes('empty input tokenize'))), 'the query went to the embedder');
    t.diagnostic(`screenshot: ${await screenshot(page, 'mine-embedded-search')}`);

    // A commit made outside the editor (here by git itself) is mined in the background, with no
    // command run: the store and the status bar follow it.
    writeFileSync(join(repo.dir, 'src', 'parser.ts'), 'export function tokenize(input: string): string[] {\n  if (!input.trim()) return [];\n  if (input.includes("\\t")) throw new Error("tabs");\n  return input.trim().split(/\\s+/);\n}\n');
    // Only the source file: the store (.coevolve) is not part of the project's commits here.
    repo.git('commit', '-q', '-m', 'fix(parser): reject tabs in tokenize', '--', 'src/parser.ts');
    const followed = repo.head();
    lap('committed outside the editor');
    await page.locator('.statusbar-item[id$="coevolve.memory"]', { hasText: new RegExp(`^\\s*${commits + 1}\\s*$`) }).waitFor({ state: 'visible', timeout: 30_000 });
    const after = JSON.parse(readFileSync(metaFile, 'utf8')) as typeof meta;
    assert.equal(after.counts.experiences, commits + 1);
    assert.equal(after.mining.head, followed, 'the new commit is the mined head');
    lap('the commit is in memory');
    t.diagnostic(`screenshot: ${await screenshot(page, 'mine-followed-commit')}`);
    const statusLabel = page.locator('.statusbar-item[id$="coevolve.memory"] [aria-label]').first();
    await waitForLabel(statusLabel, /New commits on main are mined as they are made/);

    // On another branch nothing is mined (its work reaches memory when merged), and the status says so.
    repo.git('checkout', '-q', '-b', 'side');
    await waitForLabel(statusLabel, /Memory follows main; HEAD is on side: commits here reach memory once merged into main/);
    writeFileSync(join(repo.dir, 'src', 'side.ts'), 'export const side = 1;\n');
    repo.git('add', 'src/side.ts');
    repo.git('commit', '-q', '-m', 'feat: work on a side branch');
    // Long enough for the watcher's settle time and a follow to have run, had it mined.
    await page.waitForTimeout(4_000);
    const unchanged = JSON.parse(readFileSync(metaFile, 'utf8')) as typeof meta;
    assert.equal(unchanged.counts.experiences, commits + 1, 'the side branch commit was not mined');
    assert.equal(unchanged.mining.head, followed);
  } catch (error) {
    if (session) {
      const shot = await screenshot(session.page, 'mine-failure').catch(() => 'none');
      const onScreen = await notifications(session.page).catch(() => []);
      t.diagnostic(`failure screenshot: ${shot}; notifications: ${JSON.stringify(onScreen)}`);
      t.diagnostic(`browser errors:\n${session.errors.slice(-20).join('\n')}`);
    }
    if (server) t.diagnostic(`code-server output:\n${server.output().slice(-4000)}`);
    throw error;
  } finally {
    // Every step runs even if one before it failed: no browser or code-server outlives the test.
    const cleanup: Array<[string, () => unknown]> = [
      ['close the browser', () => session?.close()],
      ['stop code-server', () => server?.stop()],
      ['stop the embedding server', () => embeddings?.close()],
      ['remove the fixture', () => repo.remove()],
      ['remove the profile', () => profile.remove()],
    ];
    for (const [what, step] of cleanup) {
      try {
        await step();
      } catch (error) {
        t.diagnostic(`could not ${what}: ${String(error)}`);
      }
    }
    lap('cleaned up');
    t.diagnostic(`screenshots in ${SCREENSHOT_DIR}`);
  }
});
