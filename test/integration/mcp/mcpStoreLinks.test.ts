import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { saveSkillVersion } from '../../../src/core/skills/skillLibrary.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';
import { call, startServer } from './mcpHarness.ts';

// The MCP server over a cloned repository's store: its skill resources, its skills tool and recall
// never serve a file from outside the store, whatever links the repository committed in it, and a
// damaged skill is an error naming the remedy (never a crash of the server).

const space = scratchSpace(after);
const SENTINEL = 'OUTSIDE-SENTINEL-mcp-91b3';
const OUTSIDE_SKILL = `---\nname: evil\ndescription: ${SENTINEL}\nstatus: active\n---\n\n${SENTINEL} instructions\n`;

function snapshot(dir: string): string {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .sort()
    .map((entry) => `${entry} ${statSync(join(dir, entry)).mtimeMs} ${statSync(join(dir, entry)).isFile() ? readFileSync(join(dir, entry), 'base64') : 'dir'}`)
    .join('\n');
}

describe('coevolve mcp over a store with links and damaged skills', () => {
  let repo: GitRepo;
  let store: string;
  let outside: string;
  let outsideBefore: string;
  let server: Awaited<ReturnType<typeof startServer>>;
  let client: Client;

  before(async () => {
    repo = space.repoWith('coevolve-mcp-links-', { 'src/a.ts': 'export const a = 1;\n' });
    repo.commit('fix: step two', { 'src/a.ts': 'export const a = 2;\n' });
    store = join(repo.dir, '.coevolve');
    await mineHistory(repo.dir, { storeDir: store, symbols: false });
    await saveSkillVersion(store, { name: 'good-skill', description: 'A skill of this repository', status: 'active' }, '# Good\n\nDo it well.\n');
    await saveSkillVersion(store, { name: 'linked-md', description: 'Its SKILL.md becomes a link', status: 'active' }, '# Linked\n');
    await saveSkillVersion(store, { name: 'broken', description: 'Its SKILL.md becomes garbage', status: 'active' }, '# Broken\n');
    outside = space.scratch('coevolve-mcp-links-outside-');
    mkdirSync(join(outside, 'evil'));
    writeFileSync(join(outside, 'evil', 'SKILL.md'), OUTSIDE_SKILL);
    writeFileSync(join(outside, 'SKILL.md'), OUTSIDE_SKILL);
    writeFileSync(join(outside, 'recall-index.json'), `{"${SENTINEL}":1}\n`);
    // What a cloned repository could commit: a skill folder that is a link, a SKILL.md that is one, garbage.
    symlinkSync(join(outside, 'evil'), join(store, 'skills', 'evil'));
    rmSync(join(store, 'skills', 'linked-md', 'SKILL.md'));
    symlinkSync(join(outside, 'SKILL.md'), join(store, 'skills', 'linked-md', 'SKILL.md'));
    writeFileSync(join(store, 'skills', 'broken', 'SKILL.md'), Buffer.alloc(64));
    outsideBefore = snapshot(outside);
    server = await startServer(['--workspace', repo.dir]);
    client = server.client;
  });

  after(async () => {
    await server?.close();
  });

  /** The server's log (its stderr) says so, soon: it arrives beside the reply, not with it. */
  async function logged(pattern: RegExp): Promise<void> {
    for (let i = 0; i < 50 && !pattern.test(server.stderr()); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(server.stderr(), pattern);
  }

  const noSentinel = (text: string, what: string): void => assert.ok(!text.includes(SENTINEL), `nothing outside is served: ${what}: ${text.slice(0, 400)}`);

  it('lists only the readable skills as resources, and serves none through a link', async () => {
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => r.uri), ['skill://good-skill']);
    noSentinel(JSON.stringify(resources), 'resources/list');
    const good = await client.readResource({ uri: 'skill://good-skill' });
    assert.match(String((good.contents[0] as { text: string }).text), /name: good-skill/);
    for (const name of ['evil', 'linked-md']) {
      await assert.rejects(client.readResource({ uri: `skill://${name}` }), (error: Error) => {
        noSentinel(error.message, `skill://${name}`);
        assert.match(error.message, /symbolic link/);
        assert.match(error.message, /coevolve store repair/);
        return true;
      });
    }
    await assert.rejects(client.readResource({ uri: 'skill://broken' }), (error: Error) => {
      assert.match(error.message, /broken\/SKILL\.md cannot be read as a skill/);
      assert.match(error.message, /coevolve store repair/);
      return true;
    });
    await logged(/skill evil is not listed: .*symbolic link/);
    assert.equal(snapshot(outside), outsideBefore, 'nothing outside is written');
  });

  it('the skills tool lists the damaged skills as unreadable and refuses to return them', async () => {
    const listed = await call(client, 'skills', {});
    assert.equal(listed.isError, false);
    assert.match(listed.text, /good-skill \[skill, v1, active\]/);
    assert.match(listed.text, /evil .*unreadable: .*symbolic link/);
    noSentinel(listed.text, 'skills');
    for (const name of ['evil', 'linked-md', 'broken']) {
      const one = await call(client, 'skills', { name });
      assert.equal(one.isError, true, `${name}: ${one.text}`);
      assert.match(one.text, /coevolve store repair/);
      noSentinel(one.text, `skills ${name}`);
    }
  });

  it('a skills folder that is a link is refused: no resource, no skill, nothing read', async () => {
    const skills = join(store, 'skills');
    renameSync(skills, `${skills}-real`);
    symlinkSync(outside, skills);
    try {
      const { resources } = await client.listResources();
      assert.deepEqual(resources, []);
      await logged(/no skill is listed: .*skills .* is a symbolic link/);
      await assert.rejects(client.readResource({ uri: 'skill://evil' }), (error: Error) => (noSentinel(error.message, 'skill://evil'), /symbolic link/.test(error.message)));
      const listed = await call(client, 'skills', {});
      assert.equal(listed.isError, true);
      noSentinel(listed.text, 'skills');
    } finally {
      rmSync(skills);
      renameSync(`${skills}-real`, skills);
    }
    assert.equal(snapshot(outside), outsideBefore, 'nothing outside is written');
  });

  it('recall refuses a cache file that is a link and rebuilds a damaged one with a note', async () => {
    const cacheFile = join(store, 'cache', 'recall-index.json');
    // The server has not recalled yet: its first load meets the link.
    mkdirSync(join(store, 'cache'), { recursive: true });
    rmSync(cacheFile, { force: true });
    symlinkSync(join(outside, 'recall-index.json'), cacheFile);
    const refused = await call(client, 'recall', { text: 'step two' });
    assert.equal(refused.isError, true, refused.text);
    assert.match(refused.text, /recall-index\.json .*is a symbolic link/);
    noSentinel(refused.text, 'recall');
    assert.equal(snapshot(outside), outsideBefore, 'the cache was not written through the link');
    rmSync(cacheFile);
    writeFileSync(cacheFile, Buffer.alloc(100));
    const rebuilt = await call(client, 'recall', { text: 'step two' });
    assert.equal(rebuilt.isError, false, rebuilt.text);
    assert.match(rebuilt.text, /step two/);
    await logged(/recall index cache .* could not be used \(it is not valid JSON: cut off or overwritten\); it was rebuilt/);
    assert.doesNotThrow(() => JSON.parse(readFileSync(cacheFile, 'utf8')));
  });
});
