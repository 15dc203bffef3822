import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { solveTask } from '../../../src/core/agents/solveTask.ts';
import type { SolveEvent } from '../../../src/core/agents/events.ts';
import { SCHEMA_FALLBACK_NOTE } from '../../../src/core/llm/chatClient.ts';
import { tempDir } from '../../helpers/gitRepo.ts';
import type { ScriptedModelServer, Step } from '../../helpers/scriptedModelServer.ts';
import { edit, finish, mathProject, planStep, teamSolveOptions } from '../../helpers/teamFixtures.ts';
import { scriptedServerForFile } from '../../helpers/scriptedServerHooks.ts';

// A generator behind a server that refuses strict schemas still plans: the client asks again without
// strict and its keywords, and the run's log says that it did (real solve, real HTTP on loopback).

let server!: ScriptedModelServer;
scriptedServerForFile((started) => (server = started));

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

describe('a server that refuses strict answer schemas', () => {
  it('gets the plan asked for again without strict, and the run log records the fallback', async () => {
    const repo = mathProject();
    const sandboxes = tempDir('coevolve-strict-sbx-');
    const storeDir = tempDir('coevolve-strict-store-');
    cleanup.push(() => repo.remove(), () => rmSync(sandboxes, { recursive: true, force: true }), () => rmSync(storeDir, { recursive: true, force: true }));
    const events: SolveEvent[] = [];
    const options = await teamSolveOptions(server.baseURL, repo.dir, { store: storeDir, sandboxes }, events);
    options.budget = { maxRectifications: 0 };
    const refusesStrict = (then: Step): Step => ({
      kind: 'dynamic',
      respond: (body) => ((body.response_format as { json_schema: { strict?: boolean } }).json_schema.strict ? { kind: 'status', status: 400, message: "Invalid schema for response_format 'plan': 'minItems' is not permitted in strict mode" } : then),
    });
    server.scriptFor('gen', refusesStrict(planStep()), refusesStrict(planStep()));
    server.scriptFor('impl', edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return values.filter((v) => v !== null).reduce((a, b) => a + b, 0);'), finish('sum skips null'));
    const solution = await solveTask(options);
    assert.equal(solution.status, 'passed', solution.reason);
    const generator = server.requests.filter((r) => r.body.model === 'gen').map((r) => JSON.stringify(r.body.response_format));
    assert.equal(generator.length, 2);
    assert.match(generator[0]!, /"strict":true/);
    assert.doesNotMatch(generator[1]!, /"strict"|"minItems"|"maxLength"/);
    // The trajectory has both calls, in order: the refused one with the note, then the plan.
    const calls = readFileSync(join(solution.runDir, 'trajectory.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; role?: string; ok?: boolean; error?: string; answer?: unknown })
      .filter((e) => e.type === 'model-call' && e.role === 'generator');
    assert.equal(calls.length, 2);
    assert.equal(calls[0]!.ok, false);
    assert.ok(calls[0]!.error?.includes(SCHEMA_FALLBACK_NOTE), calls[0]!.error);
    assert.equal(calls[0]!.answer, null);
    assert.equal(calls[1]!.ok, true);
    assert.equal((calls[1]!.answer as { summary: string }).summary, 'Make sum skip null values.');
    assert.equal(solution.accounting.failedCalls, 1);
    await solution.reject();
  });
});
