import { createHash } from 'node:crypto';
import type { CommitExperience } from '../memory/experience.ts';
import type { SymbolRef } from '../code/symbolParser.ts';
import { redact } from '../security/redact.ts';

/** Characters of code per chunk: about 500 tokens, the head of a declaration says the most. */
const CHUNK_CHARS = 2_000;
const CHUNK_LINES = 60;
const BODY_CHARS = 1_500;

/**
 * What an experience is embedded as: its intent (subject and body) and a summary of its code
 * (the files and symbols it changed, and the diff summary mining wrote). Mined text was redacted
 * when it was stored.
 */
export function experienceText(experience: CommitExperience): string {
  const symbols = experience.symbols.slice(0, 24).map((s) => `${s.container ? `${s.container}.` : ''}${s.name} (${s.kind}, ${s.change}) in ${s.path}`);
  const files = experience.files.slice(0, 24).map((f) => (f.oldPath ? `${f.oldPath} -> ${f.path}` : f.path));
  return [
    experience.intent.subject,
    experience.intent.body.slice(0, BODY_CHARS),
    files.length ? `Files: ${files.join(', ')}` : '',
    symbols.length ? `Symbols: ${symbols.join('; ')}` : '',
    experience.diffSummary,
  ]
    .filter((part) => part.trim() !== '')
    .join('\n');
}

/**
 * What one declaration is embedded as: where it is, what it is, and its first lines of code. Code
 * read from the tree goes to the embedder only, never to the store; secrets in it are replaced first.
 */
export function chunkText(path: string, symbol: SymbolRef | undefined, lines: readonly string[]): string {
  const name = symbol ? `${symbol.container ? `${symbol.container}.` : ''}${symbol.name} (${symbol.kind})` : '(file)';
  const first = symbol ? symbol.startLine - 1 : 0;
  const last = symbol ? Math.min(symbol.endLine, first + CHUNK_LINES) : Math.min(lines.length, CHUNK_LINES);
  const code = lines.slice(first, last).join('\n').slice(0, CHUNK_CHARS);
  return redact(`${path}\n${name}\n${code}`);
}

export function textHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 20);
}
