/**
 * The records the memory store holds. Every record carries `schema` so that a newer build can
 * migrate, and an older build can refuse, a store written by another version.
 */
export const EXPERIENCE_SCHEMA = 1;

export type ExperienceKind = 'fix' | 'feature' | 'refactor' | 'test' | 'docs' | 'chore' | 'revert';

export type FileCategory = 'source' | 'test' | 'docs' | 'config' | 'vendored' | 'generated' | 'lock' | 'binary' | 'submodule';

export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'typechange' | 'unknown';

export interface FileChange {
  path: string;
  /** Rename or copy source. */
  oldPath?: string;
  status: FileStatus;
  category: FileCategory;
  added: number;
  deleted: number;
  binary?: boolean;
  /** Set when the path is not valid UTF-8: `path` is a lossy rendering, this is the exact bytes (base64). */
  rawPath?: string;
  /** Set when the patch was too large to read in full (counts are then lower bounds). */
  truncated?: boolean;
  /** The most frequent identifiers in the changed lines: what the change was written in terms of. */
  words?: string[];
}

export interface SymbolChange {
  path: string;
  name: string;
  kind: string;
  container?: string;
  change: 'added' | 'modified' | 'deleted';
}

export interface Intent {
  subject: string;
  body: string;
  /** Conventional-commit type and scope when the subject follows that convention. */
  type?: string;
  scope?: string;
  breaking?: boolean;
  /** Issue references: `#12`, `GH-3`, `PROJ-123`, full issue URLs. */
  issues: string[];
}

export interface Utility {
  /** Learned usefulness in [-1, 1]; 0 until feedback arrives (see src/core/learning/utility.ts). */
  q: number;
  helpful: number;
  harmful: number;
  uses: number;
  /** When a run last used it (epoch seconds): unused items decay from here. */
  lastUsed?: number;
  /** Kept and visible, but no longer retrieved: by the harmful ≥ helpful rule, or by a person. */
  quarantined?: 'auto' | 'manual';
  /** A person's pin: ranked as fully useful, never decays, never quarantined automatically. */
  pinned?: true;
}

export interface CommitExperience {
  schema: number;
  id: string;
  source: 'commit';
  sha: string;
  /** First-parent depth from the root (1 = root); orders history without trusting clocks. */
  seq: number;
  parents: number;
  authorTime: number;
  commitTime: number;
  author: { name: string; email: string };
  intent: Intent;
  kind: ExperienceKind;
  files: FileChange[];
  /** Files beyond the cap are counted here but not listed. */
  filesOmitted?: number;
  symbols: SymbolChange[];
  tests: string[];
  diffSummary: string;
  keywords: string[];
  revertOf?: string;
  revertedBy?: string;
  flags: {
    merge?: boolean;
    huge?: boolean;
    messageNotUtf8?: boolean;
    secretsRedacted?: number;
  };
  utility: Utility;
  /** A person told memory to forget this commit: only its sha, position and dates are kept. */
  forgotten?: { at: string };
}

export function emptyUtility(): Utility {
  return { q: 0, helpful: 0, harmful: 0, uses: 0 };
}
