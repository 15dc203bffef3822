import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { appendOutcome, outcomeLogPath, readOutcomes } from '../../../src/core/memory/outcomeLog.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

const store = tempDir('coevolve-outcomes-');
after(() => rmSync(store, { recursive: true, force: true }));

describe('the outcome log', () => {
  it('reads nothing before anything was recorded', async () => {
    assert.deepEqual(await readOutcomes(tempDir('coevolve-outcomes-none-')), []);
  });

  it('appends validated records, one JSON line each, with a timestamp', async () => {
    const first = await appendOutcome(store, { itemIds: ['commit:abc'], outcome: 'helped', client: 'claude-code' });
    assert.ok(!Number.isNaN(Date.parse(first.at)));
    await appendOutcome(store, { itemIds: ['skill:x', 'commit:def'], outcome: 'hurt', runId: 'r1', note: 'misleading', at: '2024-06-30T10:00:00.000Z' });
    assert.equal(readFileSync(outcomeLogPath(store), 'utf8').trim().split('\n').length, 2);
    const records = await readOutcomes(store);
    assert.deepEqual(records.map((r) => [r.outcome, r.itemIds, r.client, r.runId]), [['helped', ['commit:abc'], 'claude-code', undefined], ['hurt', ['skill:x', 'commit:def'], undefined, 'r1']]);
  });

  it('refuses invalid records and skips torn lines when reading', async () => {
    await assert.rejects(appendOutcome(store, { itemIds: [], outcome: 'helped' }), (e) => CoevolveError.is(e, 'bad-input'));
    await assert.rejects(appendOutcome(store, { itemIds: ['a'], outcome: 'great' as 'helped' }), (e) => CoevolveError.is(e, 'bad-input'));
    appendFileSync(outcomeLogPath(store), '{"at":"2024-06-30T10:00:00.000Z","itemIds":["a"],"outc\n');
    assert.equal((await readOutcomes(store)).length, 2);
    await appendOutcome(store, { itemIds: ['a'], outcome: 'unused' });
    assert.equal((await readOutcomes(store)).length, 3, 'a torn line does not hide later ones');
  });
});
