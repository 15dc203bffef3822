import type { FileStatus } from '../memory/experience.ts';
import type { Hunk } from '../code/symbolParser.ts';

/** One file of a commit as git reports it, before any interpretation. */
export interface RawChange {
  status: FileStatus;
  /** Rename/copy similarity, 0-100. */
  score?: number;
  oldMode: string;
  newMode: string;
  oldBlob: string;
  newBlob: string;
  path: string;
  oldPath?: string;
  /** base64 of the exact path bytes when they are not valid UTF-8. */
  rawPath?: string;
  binary: boolean;
  submodule: boolean;
  added: number;
  deleted: number;
  /** Exact -U0 hunks, kept only for files whose symbols are wanted and only within the caps. */
  hunks?: Hunk[];
  /** Whether the old / new side lacks a final newline (from `\ No newline at end of file`). */
  oldNoEol?: boolean;
  newNoEol?: boolean;
  /** A few changed lines, for the diff summary. */
  sample: string[];
  /** The first changed lines of a code file (bounded), from which the change's vocabulary is read. */
  wordText?: string[];
  wordBytes?: number;
  /** The patch of this file was larger than the caps: counts are exact, hunks and samples are not kept. */
  truncated: boolean;
}

export interface RawCommit {
  sha: string;
  parents: string[];
  authorTime: number;
  commitTime: number;
  authorName: string;
  authorEmail: string;
  message: string;
  messageNotUtf8: boolean;
  changes: RawChange[];
  /** Files past the per-commit cap: counted, not listed. */
  changesOmitted: number;
  /** Bytes of patch text git produced for this commit. */
  patchBytes: number;
}
