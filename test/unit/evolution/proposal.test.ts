import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proposalSchema } from '../../../src/core/evolution/proposal.ts';

const proposal = (files: string[]) => ({
  action: 'create',
  kind: 'skill',
  name: 'js-sources',
  description: 'JavaScript sources',
  trigger: { keywords: [], files, errors: [] },
  body: 'Use strict mode.',
  rationale: 'It prevents the failures.',
});

describe('the proposer schema', () => {
  it('takes trigger globs such as its own example, and sends a glob that cannot compile back for repair', () => {
    assert.equal(proposalSchema.safeParse(proposal(['src/**/*.ts', '*.md'])).success, true);
    const refused = proposalSchema.safeParse(proposal(['src/{a,b']));
    assert.equal(refused.success, false);
    assert.deepEqual(refused.error?.issues.map((i) => i.path), [['trigger', 'files', 0]]);
    assert.match(refused.error!.issues[0]!.message, /not a valid glob/);
  });
});
