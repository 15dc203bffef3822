import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { CLI, runCliAsync } from '../helpers/cliProcess.ts';
import { scratchSpace } from '../helpers/gitRepo.ts';
import type { GitRepo } from '../helpers/gitRepo.ts';
import { mathProject } from '../helpers/teamFixtures.ts';

// The CLI as a user meets it before and just after a first mine: each case was a defect.

const space = scratchSpace(after);

function repo(): GitRepo {
  const made = mathProject();
  space.track(() => made.remove());
  return made;
}

/** Runs the built CLI with its output read by nobody: the pipe's read end is closed before it writes. */
function intoClosedPipe(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('the CLI before and after a first mine', () => {
  it('output into a pipe nobody reads any more (`| head -3`) ends the command quietly, keeping what a mine saved', async () => {
    const r = repo();
    for (const args of [['--help'], ['mine', '--json'], ['stats'], ['recall', 'add two numbers']]) {
      const result = await intoClosedPipe(args, r.dir);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /EPIPE|Unhandled/, args.join(' '));
    }
    const stats = await runCliAsync(['stats', '--json'], r.dir);
    assert.ok((JSON.parse(stats.stdout) as { experiences: number }).experiences > 0, 'the mine whose output went nowhere saved its commits');
  });

  it('exits 2 with "nothing mined yet" from stats, memory show and skills list, as documented', async () => {
    const r = repo();
    for (const command of [['stats'], ['memory', 'show'], ['skills', 'list']]) {
      const result = await runCliAsync([...command, '--path', r.dir], r.dir);
      assert.equal(result.code, 2, `${command.join(' ')}: ${result.stderr}`);
    }
    assert.match((await runCliAsync(['memory', 'show', '--path', r.dir], r.dir)).stderr, /Nothing has been mined .* yet[\s\S]*coevolve mine/);
  });

  it('recall outside a git repository says so, instead of advising a mine that would refuse', async () => {
    const folder = space.scratch('coevolve-nogit-');
    const result = await runCliAsync(['recall', 'anything', '--path', folder], folder);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /is not in a git repository, and there is no memory/);
    assert.doesNotMatch(result.stderr, /Run `coevolve mine` first/);
  });

  it('skills show --version N is the command\'s option, not the program\'s version', async () => {
    const r = repo();
    const result = await runCliAsync(['skills', 'show', 'nothing-here', '--version', '1', '--path', r.dir], r.dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Skill "nothing-here" has no version 1/);
    assert.doesNotMatch(result.stdout, /^\d+\.\d+\.\d+/);
  });

  it('a pinned memory is listed by memory show, marked PINNED', async () => {
    const r = repo();
    assert.equal((await runCliAsync(['mine', r.dir], r.dir)).code, 0);
    const sha = r.git('rev-parse', 'HEAD').trim();
    assert.equal((await runCliAsync(['memory', 'pin', sha, '--path', r.dir], r.dir)).code, 0);
    const shown = await runCliAsync(['memory', 'show', '--path', r.dir], r.dir);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`${sha.slice(0, 10)} .* PINNED  feat: sum`));
  });

  it('approves and disables a hand-written skill that has no stored versions', async () => {
    const r = repo();
    mkdirSync(join(r.dir, '.coevolve', 'skills', 'my-skill'), { recursive: true });
    writeFileSync(join(r.dir, '.coevolve', 'skills', 'my-skill', 'SKILL.md'), '---\nname: my-skill\ndescription: A hand-written skill.\n---\nRead the tests first.\n');
    const approved = await runCliAsync(['skills', 'approve', 'my-skill', '--yes', '--path', r.dir], r.dir);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /my-skill v1 is active/);
    const disabled = await runCliAsync(['skills', 'disable', 'my-skill', '--path', r.dir], r.dir);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match((await runCliAsync(['skills', 'list', '--path', r.dir], r.dir)).stdout, /my-skill\s+skill\s+v1 of 1\s+retired/);
  });
});
