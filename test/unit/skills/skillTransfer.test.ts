import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { listSkills, readDecisions, readSkill, saveSkillVersion } from '../../../src/core/skills/skillLibrary.ts';
import { exportSkills, importSkills } from '../../../src/core/skills/skillTransfer.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function dir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

describe('importing and exporting skills (the SKILL.md convention)', () => {
  it('imports another agent\'s skills folder as candidates, slugging names, keeping resources, refusing bad ones', async () => {
    const store = dir('coevolve-skills-import-');
    const agent = dir('coevolve-agent-skills-');
    write(join(agent, 'pdf-forms', 'SKILL.md'), '---\nname: PDF Forms\ndescription: Fill PDF forms\nlicense: MIT\n---\n\nUse the form fields.\n');
    write(join(agent, 'pdf-forms', 'reference.md'), '# Fields\n');
    write(join(agent, 'pdf-forms', '.DS_Store'), 'junk');
    write(join(agent, 'broken', 'SKILL.md'), '---\nname: [unclosed\n---\nbody\n');
    write(join(agent, 'leaky', 'SKILL.md'), '---\nname: leaky\ndescription: Deploy\n---\n\nUse AKIAIOSFODNN7EXAMPLE with secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.\n');
    symlinkSync('/etc/passwd', join(agent, 'pdf-forms', 'passwd'));
    const result = await importSkills(store, agent);
    assert.deepEqual(result.imported.map((s) => [s.name, s.version, s.status]), [['pdf-forms', 1, 'candidate']]);
    assert.deepEqual(result.refused.map((r) => r.from.split('/').pop()).sort(), ['broken', 'leaky']);
    assert.match(result.refused.find((r) => r.from.endsWith('leaky'))!.reason, /contains a secret/);
    const skill = await readSkill(store, 'pdf-forms');
    assert.deepEqual(skill.resources, ['reference.md'], 'hidden files and links are not imported');
    assert.equal(skill.doc.meta.provenance?.source, 'import');
    assert.equal((skill.doc.meta as Record<string, unknown>).license, 'MIT', 'fields of the other agent are kept');
    assert.equal(existsSync(join(store, 'skills', 'leaky')), false);

    // Importing again makes a child version, still a candidate.
    write(join(agent, 'pdf-forms', 'SKILL.md'), '---\nname: PDF Forms\ndescription: Fill PDF forms, v2\n---\n\nUse the form fields; flatten after.\n');
    const again = await importSkills(store, join(agent, 'pdf-forms'));
    assert.deepEqual(again.imported.map((s) => [s.name, s.version, s.status]), [['pdf-forms', 2, 'candidate']]);
    assert.equal((await readSkill(store, 'pdf-forms')).doc.meta.parent, 1);
    assert.ok((await readDecisions(store)).some((d) => d.reason.startsWith('imported from')));
  });

  it('exports the current version with its resources, refuses to overwrite without force', async () => {
    const store = dir('coevolve-skills-export-');
    const target = dir('coevolve-export-target-');
    await saveSkillVersion(store, { name: 'empty-guards', description: 'Guard parsers against empty input', status: 'active' }, '## Do\nCheck length first.\n', { 'examples/guard.md': 'if (!s) return [];\n' });
    const [written] = await exportSkills(store, ['empty-guards'], target);
    assert.equal(readFileSync(join(written!, 'SKILL.md'), 'utf8'), (await readSkill(store, 'empty-guards')).text);
    assert.equal(readFileSync(join(written!, 'examples', 'guard.md'), 'utf8'), 'if (!s) return [];\n');
    assert.equal(existsSync(join(written!, 'versions')), false, 'no version history leaves the library');
    await assert.rejects(exportSkills(store, ['empty-guards'], target), /exists; pass --force/);
    await exportSkills(store, ['empty-guards'], target, { force: true });
    await assert.rejects(exportSkills(store, ['nope'], target), /There is no skill "nope"/);
    // What was exported can be imported into another store as it is.
    const other = dir('coevolve-skills-roundtrip-');
    const back = await importSkills(other, target);
    assert.deepEqual(back.imported.map((s) => s.name), ['empty-guards']);
    assert.equal((await listSkills(other))[0]!.description, 'Guard parsers against empty input');
  });

  it('says clearly when there is nothing to import', async () => {
    const store = dir('coevolve-skills-none-');
    await assert.rejects(importSkills(store, dir('coevolve-empty-')), /No SKILL.md/);
    await assert.rejects(importSkills(store, join(store, 'missing')), /is not a folder/);
  });
});
