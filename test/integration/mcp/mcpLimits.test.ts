import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { CLI } from '../../helpers/cliProcess.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';

// `coevolve mcp` over real stdio: a message over the 10 MB limit is refused on its own, and the
// server answers what comes after it (the SDK's buffer used to close the connection, "stopped").

const space = scratchSpace(after);

describe('coevolve mcp and a message over 10 MB', () => {
  it('refuses it with a JSON-RPC error and goes on serving', async () => {
    const repo = space.repoWith('coevolve-mcp-limit-', { 'a.txt': 'a\n' });
    const child = spawn(process.execPath, [CLI, 'mcp', '--workspace', repo.dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    space.track(() => child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const send = (message: unknown): boolean => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'recall', arguments: { query: 'x'.repeat(11 * 1024 * 1024) } } });
    send({ jsonrpc: '2.0', id: 3, method: 'ping' });
    const deadline = Date.now() + 20_000;
    while (!out.includes('"id":3') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
    const replies = out.trim().split('\n').map((line) => JSON.parse(line) as { id: number | null; error?: { message: string }; result?: unknown });
    assert.deepEqual(replies.map((r) => r.id), [1, null, 3], out.slice(0, 500));
    assert.match(replies[1]!.error?.message ?? '', /refused: the limit is 10485760 bytes/);
    assert.deepEqual(replies[2]!.result, {});
    assert.match(err, /refused a message of 11\.0 MB \(the limit is 10 MB\); still serving/);
  });
});
