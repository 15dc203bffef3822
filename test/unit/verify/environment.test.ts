import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scrubEnvironment } from '../../../src/core/verify/run/environment.ts';
import { isSecretName } from '../../../src/core/security/childEnv.ts';

describe('scrubEnvironment', () => {
  const source = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/dev',
    PWD: '/home/dev/proj',
    LANG: 'en_US.UTF-8',
    NODE_OPTIONS: '--max-old-space-size=4096',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: 'http://localhost:1234',
    ANTHROPIC_MODEL: 'x',
    AWS_PROFILE: 'dev',
    AZURE_OPENAI_ENDPOINT: 'https://x',
    GITHUB_TOKEN: 'ghp_x',
    NPM_TOKEN: 'npm_x',
    MY_SERVICE_PASSWORD: 'hunter2',
    DB_PASS: 'hunter2',
    SSH_AUTH_SOCK: '/tmp/agent.sock',
    SESSION_MANAGER: 'local/x',
    SENTRY_DSN: 'https://key@sentry.io/1',
    DATABASE_URL: 'postgres://app:s3cret@db:5432/app',
    VSCODE_IPC_HOOK: '/tmp/vscode.sock',
    ELECTRON_RUN_AS_NODE: '1',
    NODE_TEST_CONTEXT: 'child-v8',
    FORCE_COLOR: '3',
  };

  it('drops secrets by name, by family and by value, and host-only handles', () => {
    const { env, dropped } = scrubEnvironment(source);
    for (const name of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_MODEL', 'AWS_PROFILE', 'AZURE_OPENAI_ENDPOINT', 'GITHUB_TOKEN', 'NPM_TOKEN', 'MY_SERVICE_PASSWORD', 'DB_PASS', 'SSH_AUTH_SOCK', 'SESSION_MANAGER', 'SENTRY_DSN', 'DATABASE_URL', 'VSCODE_IPC_HOOK', 'ELECTRON_RUN_AS_NODE', 'NODE_TEST_CONTEXT']) {
      assert.equal(env[name], undefined, name);
      assert.ok(dropped.includes(name), name);
    }
  });

  it('keeps ordinary variables and sets plain, CI output', () => {
    const { env } = scrubEnvironment(source);
    assert.equal(env.PATH, '/usr/bin:/bin');
    assert.equal(env.HOME, '/home/dev');
    assert.equal(env.PWD, '/home/dev/proj');
    assert.equal(env.NODE_OPTIONS, '--max-old-space-size=4096');
    assert.equal(env.CI, '1');
    assert.equal(env.NO_COLOR, '1');
    assert.equal(env.FORCE_COLOR, '0');
  });

  it('defaults to process.env', () => {
    assert.equal(scrubEnvironment().env.PATH, process.env.PATH);
  });

  it('matches secret-looking names case-insensitively', () => {
    assert.ok(isSecretName('my_api_key'));
    assert.ok(isSecretName('Github_Token'));
    assert.ok(!isSecretName('PATH'));
    assert.ok(!isSecretName('NODE_ENV'));
  });
});
