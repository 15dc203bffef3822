import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planSchema } from '../../../src/core/agents/plan.ts';
import { checkBudgetConfig, DEFAULT_MAX_RECTIFICATIONS, DEFAULT_TASK_TOKENS, MAX_RECTIFICATIONS, MIN_PLANNED_TOKENS, taskBudget } from '../../../src/core/agents/solveBudget.ts';
import { CoevolveError } from '../../../src/core/errors.ts';

describe('the task budget: the user\'s caps, the plan\'s request within bounds', () => {
  it('clamps a plan asking for 2,000 tokens up to the floor, and 50 rounds down to the configured most', () => {
    const budget = taskBudget({}, { tokenBudget: 2_000, rounds: 50 });
    assert.equal(budget.tokenBudget, MIN_PLANNED_TOKENS);
    assert.equal(budget.hardTokenLimit, DEFAULT_TASK_TOKENS);
    assert.equal(budget.maxRectifications, DEFAULT_MAX_RECTIFICATIONS);
    assert.equal(budget.notes.length, 2);
    assert.match(budget.notes[0]!, /asked for a budget of 2000 tokens; it works with 50000, the least a plan may set/);
    assert.match(budget.notes[1]!, /asked for 50 rounds; it gets 4, the configured most/);
  });

  it('lets the plan ask for less work within the bounds, silently', () => {
    const budget = taskBudget({ tokens: 300_000, maxRectifications: 5 }, { tokenBudget: 120_000, rounds: 2 });
    assert.deepEqual(budget, { tokenBudget: 120_000, hardTokenLimit: 300_000, maxRectifications: 1, notes: [] });
  });

  it('never lets the plan ask for more than the user configured', () => {
    const budget = taskBudget({ tokens: 100_000, maxRectifications: 1 }, { tokenBudget: 2_000_000, rounds: 6 });
    assert.equal(budget.tokenBudget, 100_000);
    assert.equal(budget.hardTokenLimit, 100_000);
    assert.equal(budget.maxRectifications, 1);
    assert.match(budget.notes.join('\n'), /the task's configured budget/);
  });

  it('keeps a user cap below the floor: the floor never raises what the user allowed', () => {
    const budget = taskBudget({ tokens: 20_000, maxRectifications: 0 }, { tokenBudget: 2_000, rounds: 3 });
    assert.equal(budget.tokenBudget, 20_000);
    assert.equal(budget.hardTokenLimit, 20_000);
    assert.equal(budget.maxRectifications, 0);
  });

  it('takes a nonsensical planned number as a request for the most, and a round count below one as one', () => {
    assert.equal(taskBudget({}, { tokenBudget: Number.NaN, rounds: 0 }).tokenBudget, DEFAULT_TASK_TOKENS);
    assert.equal(taskBudget({}, { tokenBudget: -5, rounds: -3 }).maxRectifications, 0);
    assert.equal(taskBudget({}, { tokenBudget: -5, rounds: -3 }).tokenBudget, MIN_PLANNED_TOKENS);
  });

  it('accepts out-of-range numbers in the plan itself, so the model\'s odd choice does not cost the plan', () => {
    const plan = { summary: 's', steps: [{ description: 'd', files: [], symbols: [] }], checks: [], risks: [], team: { rounds: 50, tokenBudget: 2_000, implementerModel: 'implementer' } };
    assert.equal(planSchema.safeParse(plan).success, true);
    assert.equal(planSchema.safeParse({ ...plan, team: { ...plan.team, rounds: 2.5 } }).success, false, 'still a whole number');
  });
});

describe('the user\'s budget configuration, checked', () => {
  it('passes good values through, and nothing when nothing is configured', () => {
    assert.deepEqual(checkBudgetConfig(undefined), {});
    assert.deepEqual(checkBudgetConfig({ tokens: 200_000, costUsd: 1.5, maxRectifications: 0 }), { tokens: 200_000, costUsd: 1.5, maxRectifications: 0 });
  });

  it('refuses nonsense with a clear bad-input error', () => {
    const refused = (config: Parameters<typeof checkBudgetConfig>[0], pattern: RegExp): void =>
      assert.throws(() => checkBudgetConfig(config), (error: unknown) => CoevolveError.is(error, 'bad-input') && pattern.test((error as Error).message));
    refused({ tokens: 500 }, /at least 1000 tokens/);
    refused({ tokens: 1.5e5 + 0.5 }, /whole number/);
    refused({ costUsd: 0 }, /positive number of dollars/);
    refused({ costUsd: Number.NaN }, /positive number of dollars/);
    refused({ maxRectifications: -1 }, /0 to 10/);
    refused({ maxRectifications: MAX_RECTIFICATIONS + 1 }, /0 to 10/);
    refused({ maxRectifications: 1.5 }, /0 to 10/);
  });
});
