import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyUtility } from '../../../src/core/memory/experience.ts';
import { effectiveQ, HALF_LIFE_DAYS, updatedUtility } from '../../../src/core/learning/utility.ts';

const NOW = 1_800_000_000;

describe('utility (MemRL Q, ACE counters)', () => {
  it('moves Q by α toward the reward and counts helpful and harmful uses', () => {
    const once = updatedUtility(emptyUtility(), 1, NOW);
    assert.deepEqual(once, { q: 0.3, helpful: 1, harmful: 0, uses: 1, lastUsed: NOW });
    const twice = updatedUtility(once, 1, NOW);
    assert.equal(twice.q, 0.51);
    const down = updatedUtility(twice, -1, NOW);
    assert.equal(down.q, round(0.7 * 0.51 - 0.3));
    assert.deepEqual([down.helpful, down.harmful, down.uses], [2, 1, 3]);
  });

  it('quarantines when harmful reaches helpful after enough uses, and lifts it when the record improves', () => {
    let u = emptyUtility();
    u = updatedUtility(u, -1, NOW);
    u = updatedUtility(u, 1, NOW);
    assert.equal(u.quarantined, undefined, 'two uses are not enough evidence');
    u = updatedUtility(u, -1, NOW);
    assert.equal(u.quarantined, 'auto');
    u = updatedUtility(updatedUtility(u, 1, NOW), 1, NOW);
    assert.equal(u.quarantined, undefined, 'helpful 3 > harmful 2');
    const manual = updatedUtility({ ...u, quarantined: 'manual' }, 1, NOW);
    assert.equal(manual.quarantined, 'manual', 'a person\'s decision is not undone by counts');
  });

  it('decays an unused memory toward neutral, by half per half-life', () => {
    assert.equal(effectiveQ(0.8, NOW, NOW), 0.8);
    assert.ok(Math.abs(effectiveQ(0.8, NOW - 2 * HALF_LIFE_DAYS * 86_400, NOW) - 0.2) < 1e-9);
    assert.ok(Math.abs(effectiveQ(-0.8, NOW - HALF_LIFE_DAYS * 86_400, NOW) + 0.4) < 1e-9);
    assert.equal(effectiveQ(0.5, undefined, NOW), 0.5);
    // The next update starts from the decayed value, not the stale one.
    assert.equal(updatedUtility({ q: 0.8, helpful: 1, harmful: 0, uses: 1, lastUsed: NOW - HALF_LIFE_DAYS * 86_400 }, 1, NOW).q, round(0.7 * 0.4 + 0.3));
  });
});

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
