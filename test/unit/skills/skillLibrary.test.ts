import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { listSkills, readDecisions, readSkill, rollbackSkill, saveSkillVersion, setSkillStatus, skillsDir } from '../../../src/core/skills/skillLibrary.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

const store = tempDir('coevolve-skills-');
after(() => rmSync(store, { recursive: true, force: true }));

describe('the skill library', () => {
  it('keeps every version with its parent, and rolls back byte for byte', async () => {
    const v1 = await saveSkillVersion(store, { name: 'empty-input-guards', description: 'Guard parsers against empty input', trigger: { keywords: ['empty', 'parse'] } }, '# Guard empty input\n\nCheck `input.trim()` first.\n', { 'examples/guard.ts': 'if (!input.trim()) return [];\n' });
    assert.equal(v1.doc.meta.version, 1);
    assert.equal(v1.doc.meta.parent, null);
    assert.equal(v1.doc.meta.status, 'candidate');
    assert.deepEqual(v1.resources, ['examples/guard.ts']);
    const firstBytes = readFileSync(v1.path);

    const v2 = await saveSkillVersion(store, { ...v1.doc.meta, description: 'Guard parsers and tokenizers against empty input' }, '# Guard empty input\n\nCheck `input.trim()` first, also in tokenizers.\n');
    assert.equal(v2.doc.meta.version, 2);
    assert.equal(v2.doc.meta.parent, 1);
    assert.deepEqual(v2.resources, [], 'resources belong to the version that had them');

    const back = await rollbackSkill(store, 'empty-input-guards');
    assert.equal(back.doc.meta.version, 1);
    assert.deepEqual(readFileSync(back.path), firstBytes);
    assert.deepEqual(back.resources, ['examples/guard.ts']);
    assert.deepEqual((await listSkills(store)).map((s) => [s.name, s.version, s.versions]), [['empty-input-guards', 1, [1, 2]]]);
    const actions = (await readDecisions(store)).map((d) => `${d.action}:${d.version}`);
    assert.deepEqual(actions, ['version:1', 'version:2', 'rollback:1']);
  });

  it('changes status in place, and reads the SKILL.md convention other agents write', async () => {
    // Its resource is a script: nobody but a person may activate it.
    await assert.rejects(setSkillStatus(store, 'empty-input-guards', 'active', 'replay: 3 wins, 0 losses'), /only a person can activate it/);
    const active = await setSkillStatus(store, 'empty-input-guards', 'active', 'approved after review', 'reviewer');
    assert.equal(active.doc.meta.status, 'active');
    assert.match(active.text, /^---\nname: empty-input-guards\ndescription: Guard parsers against empty input\n/);
    // A skill written by another agent: only name and description.
    mkdirSync(join(skillsDir(store), 'pdf-forms'), { recursive: true });
    writeFileSync(join(skillsDir(store), 'pdf-forms', 'SKILL.md'), '---\nname: pdf-forms\ndescription: Fill PDF forms\n---\n\nUse the form fields.\n');
    const imported = await readSkill(store, 'pdf-forms');
    assert.deepEqual([imported.doc.meta.kind, imported.doc.meta.version, imported.doc.meta.status], ['skill', 1, 'candidate']);
  });

  it('lists a broken skill with its problem, and refuses bad names and missing versions', async () => {
    mkdirSync(join(skillsDir(store), 'broken'), { recursive: true });
    writeFileSync(join(skillsDir(store), 'broken', 'SKILL.md'), 'no front matter here\n');
    const broken = (await listSkills(store)).find((s) => s.name === 'broken');
    assert.match(broken?.problem ?? '', /no front matter/);
    await assert.rejects(readSkill(store, '../escape'), (e: unknown) => CoevolveError.is(e, 'bad-input'));
    await assert.rejects(rollbackSkill(store, 'empty-input-guards', 9), /has no version 9/);
    await assert.rejects(saveSkillVersion(store, { name: 'x', description: 'y' }, 'z', { '../../evil': 'x' }), /not allowed/);
    assert.equal((await listSkills(store)).some((s) => s.name === 'x'), false, 'nothing was written');
  });
});
