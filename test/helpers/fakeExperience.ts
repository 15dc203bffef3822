import { EXPERIENCE_SCHEMA, emptyUtility } from '../../src/core/memory/experience.ts';
import type { CommitExperience } from '../../src/core/memory/experience.ts';

/** A well-formed experience for store tests that do not need a repository. */
export function fakeExperience(seq: number, overrides: Partial<CommitExperience> = {}): CommitExperience {
  const sha = seq.toString(16).padStart(40, '0');
  return {
    schema: EXPERIENCE_SCHEMA,
    id: `commit:${sha}`,
    source: 'commit',
    sha,
    seq,
    parents: 1,
    authorTime: 1_600_000_000 + seq,
    commitTime: 1_600_000_000 + seq,
    author: { name: 'Writer', email: 'w@example.com' },
    intent: { subject: `feat: change ${seq}`, body: '', issues: [] },
    kind: 'feature',
    files: [{ path: `src/f${seq % 7}.ts`, status: 'modified', category: 'source', added: 1, deleted: 0 }],
    symbols: [],
    tests: [],
    diffSummary: '',
    keywords: [],
    flags: {},
    utility: emptyUtility(),
    ...overrides,
  };
}
