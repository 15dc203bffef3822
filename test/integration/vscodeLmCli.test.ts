// The `vscode-lm` provider (VS Code's Language Model API) exists only inside VS Code: the CLI says
// so plainly, with what to do instead, and asks no server anything.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCliAsync } from '../helpers/cliProcess.ts';
import { tempDir } from '../helpers/gitRepo.ts';

describe('coevolve with a vscode-lm provider', () => {
  it('chat refuses with a message naming VS Code and the alternative', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.coevolve'));
    writeFileSync(join(dir, '.coevolve', 'models.json'), JSON.stringify({ providers: { editor: { preset: 'vscode-lm' } }, roles: { default: { provider: 'editor', model: 'copilot/gpt-4o/gpt-4o' } } }));
    const result = await runCliAsync(['chat', 'hi'], dir);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Provider "editor" is VS Code's Language Model API, which exists only inside VS Code\./);
    assert.match(result.stderr, /Solve Task…" or @coevolve in the Chat view\), or give this role an HTTP provider/);
    assert.equal(result.stdout, '');
  });

  it('--preset vscode-lm is refused the same way', async () => {
    const result = await runCliAsync(['chat', 'hi', '--preset', 'vscode-lm', '--model', 'copilot/gpt-4o/gpt-4o'], tempDir());
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /is VS Code's Language Model API, which exists only inside VS Code\./);
  });
});
