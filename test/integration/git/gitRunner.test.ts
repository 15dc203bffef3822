import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { gitAt, runGit, runGitWith, splitNul } from '../../../src/core/git/gitRunner.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';

// The one git runner: a scrubbed environment (no secrets, no variable pointing git elsewhere), no
// hooks, NUL-separated output split safely, cancellation.

const space = scratchSpace(after);

function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  return fn().finally(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}

describe('the git runner', () => {
  it('gives git no secret and no variable that points it at another repository', async () => {
    const repo = space.repoWith('coevolve-runner-env-', { 'a.txt': 'a\n' });
    const other = space.repoWith('coevolve-runner-other-', { 'b.txt': 'b\n' });
    const env = await withEnv({ OPENAI_API_KEY: 'sk-test-123456789012345678901234', GIT_DIR: join(other.dir, '.git'), COEVOLVE_PLAIN: 'kept' }, () =>
      runGit(gitAt(repo.dir), ['-c', 'alias.showenv=!env', 'showenv']),
    );
    assert.doesNotMatch(env, /OPENAI_API_KEY|sk-test/);
    assert.match(env, /GIT_TERMINAL_PROMPT=0/);
    const top = await withEnv({ GIT_DIR: join(other.dir, '.git') }, () => runGit(gitAt(repo.dir), ['rev-parse', '--show-toplevel']));
    assert.equal(top.trim(), repo.dir, 'GIT_DIR from the environment does not redirect it');
  });

  it('never runs the repository\'s hooks', async () => {
    const repo = space.repoWith('coevolve-runner-hooks-', { 'a.txt': 'a\n' });
    const marker = join(space.scratch('coevolve-runner-marker-'), 'ran');
    mkdirSync(join(repo.dir, '.git', 'hooks'), { recursive: true });
    const hook = join(repo.dir, '.git', 'hooks', 'post-checkout');
    writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(hook, 0o755);
    await runGit(gitAt(repo.dir), ['checkout', '-q', '-b', 'feature']);
    assert.equal(existsSync(marker), false, 'the post-checkout hook did not run');
    repo.git('checkout', '-q', 'main');
    assert.equal(existsSync(marker), true, 'the hook is real: plain git runs it');
  });

  it('splits NUL-separated names exactly (newlines and spaces included), and answers by exit code', async () => {
    const repo = space.repoWith('coevolve-runner-nul-', { 'with space.txt': 'a\n', 'line\nbreak.txt': 'b\n' });
    const names = splitNul(await runGit(gitAt(repo.dir), ['ls-files', '-z']));
    assert.deepEqual(names.sort(), ['line\nbreak.txt', 'with space.txt']);
    const ignored = await runGitWith(gitAt(repo.dir), ['check-ignore', '-q', 'nothing.txt'], { okCodes: [1] });
    assert.equal(ignored.code, 1);
  });

  it('is cancelled by its signal, and a failure names the command', async () => {
    const repo = space.repoWith('coevolve-runner-cancel-', { 'a.txt': 'a\n' });
    const controller = new AbortController();
    const running = runGit(gitAt(repo.dir, controller.signal), ['-c', 'alias.wait=!sleep 5', 'wait']);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(running, (error: unknown) => CoevolveError.is(error, 'cancelled'));
    await assert.rejects(runGit(gitAt(repo.dir), ['rev-parse', '--verify', 'no-such-ref']), (error: unknown) => CoevolveError.is(error, 'git-failed') && /git rev-parse failed/.test(error.message));
  });
});
