import { redactSecrets } from './redact.ts';
import type { RedactionResult, RedactOptions } from './redact.ts';

/**
 * Bumped whenever mined text is redacted more strictly: a store mined under an older version is
 * mined again (keeping what was decided about each commit), so what the older rules let through
 * does not stay in memory.
 */
export const MINED_REDACTION_VERSION = 2;

/** Text mined from history gets every pass, random literals with no key in front of them too. */
export const MINED_TEXT: RedactOptions = { literals: true };
/** Commit messages also get the prose pass: "The new password: …". */
export const COMMIT_MESSAGE: RedactOptions = { literals: true, prose: true };

const PATHS = new Map<string, RedactionResult>();
const PATH_MEMO_LIMIT = 8192;

/**
 * A file path as memory records it: redacted segment by segment, so that a secret folder or file
 * name takes only its own place. Whoever looks a path up in memory redacts it the same way.
 */
export function redactPath(path: string): RedactionResult {
  const known = PATHS.get(path);
  if (known !== undefined) return known;
  let count = 0;
  const kinds = new Set<string>();
  const text = path
    .split('/')
    .map((segment) => {
      const result = redactSecrets(segment, MINED_TEXT);
      count += result.count;
      for (const kind of result.kinds) kinds.add(kind);
      return result.text;
    })
    .join('/');
  const result = { text, count, kinds: [...kinds].sort() };
  // The same paths come back commit after commit: a bounded memo keeps them cheap.
  if (PATHS.size >= PATH_MEMO_LIMIT) PATHS.clear();
  PATHS.set(path, result);
  return result;
}
