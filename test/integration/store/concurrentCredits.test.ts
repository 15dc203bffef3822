import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { appendFix, creditFixes, readFixes } from '../../../src/core/learning/fixExperience.ts';
import type { FixExperience } from '../../../src/core/learning/fixExperience.ts';
import { readCreditHistory } from '../../../src/core/learning/creditLog.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';

// Credits to an accepted fix are read and written under one lock: several at once all count.

const space = scratchSpace(after);

function fix(id: string): FixExperience {
  return {
    schema: 1,
    id,
    source: 'fix',
    runId: id.slice(4),
    time: 1_700_000_000,
    task: 'sum skips null',
    plan: 'p',
    summary: 's',
    patchSummary: '',
    files: ['src/math.js'],
    verification: { status: 'passed', evidence: 'proven', checks: [] },
    rounds: 1,
    outcome: 'accepted',
    verified: true,
    active: true,
    memoryUsed: { experienceIds: [], skillIds: [], fixIds: [] },
    utility: { q: 0, helpful: 0, harmful: 0, uses: 0 },
  } as FixExperience;
}

describe('crediting fixes', () => {
  it('eight credits of one fix at once: all eight count, in fixes.jsonl and in credits.jsonl', async () => {
    const storeDir = space.scratch('coevolve-fix-credits-');
    await appendFix(storeDir, fix('fix:r1'));
    await appendFix(storeDir, fix('fix:r2'));
    await Promise.all(Array.from({ length: 8 }, () => creditFixes(storeDir, ['fix:r1'], 1)));
    const [r1] = (await readFixes(storeDir)).filter((f) => f.id === 'fix:r1');
    assert.equal(r1!.utility.uses, 8);
    assert.equal(r1!.utility.helpful, 8);
    assert.deepEqual((await readCreditHistory(storeDir, 'fix:r1')).map((c) => c.uses), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal((await readFixes(storeDir)).find((f) => f.id === 'fix:r2')!.utility.uses, 0);
  });
});
