import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { matchSkills } from '../../../src/core/learning/guidance.ts';
import { saveSkillVersion, setSkillStatus } from '../../../src/core/skills/skillLibrary.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

const store = tempDir('coevolve-guidance-');
after(() => rmSync(store, { recursive: true, force: true }));

describe('skills whose trigger matches a task', () => {
  it('offers only active skills, by keyword, file pattern or quoted error', async () => {
    await saveSkillVersion(store, { name: 'empty-input', description: 'Guard parsers against empty input', trigger: { keywords: ['empty input'] } }, 'Check `s.trim()` first.');
    await setSkillStatus(store, 'empty-input', 'active', 'test');
    await saveSkillVersion(store, { name: 'migrations', description: 'Write reversible migrations', kind: 'mistake', trigger: { files: ['db/migrations/**'] } }, 'Always add a down step.');
    await setSkillStatus(store, 'migrations', 'active', 'test');
    await saveSkillVersion(store, { name: 'reduce-init', description: 'reduce needs an initial value', trigger: { errors: ['Reduce of empty array'] } }, 'Pass 0.');
    await setSkillStatus(store, 'reduce-init', 'active', 'test');
    await saveSkillVersion(store, { name: 'draft', description: 'Not approved yet', trigger: { keywords: ['empty'] } }, 'x');

    assert.deepEqual((await matchSkills(store, 'Handle EMPTY input in parseHeader')).map((s) => s.id), ['empty-input']);
    assert.deepEqual((await matchSkills(store, 'add a column', ['db/migrations/2024/add_col.sql'])).map((s) => [s.id, s.kind]), [['migrations', 'mistake']]);
    assert.deepEqual((await matchSkills(store, 'TypeError: Reduce of empty array with no initial value')).map((s) => s.id), ['reduce-init']);
    assert.deepEqual(await matchSkills(store, 'rename a variable', ['src/a.ts']), []);
  });

  it('matches file triggers with the one glob matcher: src/**/*.js takes files right under src/', async () => {
    await saveSkillVersion(store, { name: 'js-sources', description: 'JavaScript sources', trigger: { files: ['src/**/*.js'] } }, 'Use strict mode.');
    await setSkillStatus(store, 'js-sources', 'active', 'test');
    assert.deepEqual((await matchSkills(store, 'fix rounding', ['src/math.js'])).map((s) => s.id), ['js-sources']);
    assert.deepEqual((await matchSkills(store, 'fix rounding', ['src/a/b.js'])).map((s) => s.id), ['js-sources']);
    assert.deepEqual(await matchSkills(store, 'fix rounding', ['test/math.js']), []);
  });

  it('lets a trigger glob that does not compile match no file, without losing the other skills', async () => {
    await saveSkillVersion(store, { name: 'broken-glob', description: 'Hand-edited', trigger: { files: ['lib/{a,b', 'lib/*.rb'] } }, 'x');
    await setSkillStatus(store, 'broken-glob', 'active', 'test');
    assert.deepEqual((await matchSkills(store, 'fix rounding', ['lib/x.rb', 'src/math.js'])).map((s) => s.id).sort(), ['broken-glob', 'js-sources']);
  });
});
