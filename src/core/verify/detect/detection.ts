import type { CheckDraft } from '../checkSpec.ts';

/** What one detector found in a folder: checks, and notes on what it saw but skipped. */
export interface Detection {
  checks: CheckDraft[];
  notes: string[];
}

export type Detector = (folder: string) => Promise<Detection>;
