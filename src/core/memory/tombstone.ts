import type { CommitExperience } from './experience.ts';
import { emptyUtility } from './experience.ts';

/**
 * What is left of a forgotten commit: its sha, first-parent position and dates (so that history
 * stays contiguous and mining does not take it for a gap), and nothing of what it said or touched.
 */
export function tombstoneOf(experience: CommitExperience, at: string): CommitExperience {
  return {
    schema: experience.schema,
    id: experience.id,
    source: 'commit',
    sha: experience.sha,
    seq: experience.seq,
    parents: experience.parents,
    authorTime: experience.authorTime,
    commitTime: experience.commitTime,
    author: { name: '', email: '' },
    intent: { subject: '', body: '', issues: [] },
    kind: 'chore',
    files: [],
    symbols: [],
    tests: [],
    diffSummary: '',
    keywords: [],
    flags: {},
    // Never retrieved, never pinned, never restored.
    utility: { ...emptyUtility(), quarantined: 'manual' },
    forgotten: { at },
  };
}
