import type { CommitExperience, FileChange, Intent, SymbolChange } from './experience.ts';
import { exactIdentifiers, tokenize } from './tokenize.ts';
import { hasLinksOrTags, withoutLinksAndTags } from './messageMarkup.ts';

const MAX_KEYWORDS = 24;
/** What the redactor put in place of a secret: neither the marker nor the kind names the change. */
const REDACTION_MARKER = /\[REDACTED:[a-z0-9-]*\]/g;

/**
 * A short list of the words that best name a change: identifiers from its message first (kept as
 * written), then the scope, the symbols it touched, and the most frequent message words.
 */
export function extractKeywords(intent: Intent, files: readonly FileChange[], symbols: readonly SymbolChange[]): string[] {
  const chosen = new Set<string>();
  const add = (word: string) => {
    if (chosen.size < MAX_KEYWORDS && word.length > 1) chosen.add(word);
  };
  const subject = withoutLinksAndTags(intent.subject.replace(REDACTION_MARKER, ' '));
  const body = withoutLinksAndTags(intent.body.replace(REDACTION_MARKER, ' '));
  for (const id of exactIdentifiers(`${subject}\n${body}`)) add(id);
  if (intent.scope) add(intent.scope);
  for (const symbol of symbols.slice(0, 8)) add(symbol.name);
  const counts = new Map<string, number>();
  for (const token of tokenize(`${subject} ${subject} ${body}`)) counts.set(token, (counts.get(token) ?? 0) + 1);
  for (const [word] of [...counts].sort((a, b) => b[1] - a[1])) add(word);
  if (chosen.size < MAX_KEYWORDS) {
    for (const file of files.slice(0, 4)) {
      const name = file.path.slice(file.path.lastIndexOf('/') + 1);
      if (!name.includes('[REDACTED:')) add(name);
    }
  }
  return [...chosen];
}

/**
 * The keywords the text index holds for an experience: those stored, except where its message has
 * links or formatting tags. A store mined before they were left out took keywords from them, and
 * those are made again (the same inputs as at mining; messages without either keep theirs as stored).
 */
export function indexedKeywords(experience: CommitExperience): string[] {
  const { intent } = experience;
  if (!hasLinksOrTags(intent.subject) && !hasLinksOrTags(intent.body)) return experience.keywords;
  return extractKeywords(intent, experience.files, experience.symbols);
}
