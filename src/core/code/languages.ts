/** Languages the symbol layer understands; each maps to one tree-sitter grammar file. */
export type LanguageId = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'rust' | 'java';

export const languageIds: readonly LanguageId[] = ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java'];

const byExtension: ReadonlyMap<string, LanguageId> = new Map<string, LanguageId>([
  ['ts', 'typescript'],
  ['mts', 'typescript'],
  ['cts', 'typescript'],
  ['tsx', 'tsx'],
  // The javascript grammar parses JSX too, so .jsx needs no grammar of its own.
  ['js', 'javascript'],
  ['jsx', 'javascript'],
  ['mjs', 'javascript'],
  ['cjs', 'javascript'],
  ['py', 'python'],
  ['pyi', 'python'],
  ['go', 'go'],
  ['rs', 'rust'],
  ['java', 'java'],
]);

/** The language of a repository path (either slash style), or undefined when callers should stay at file level. */
export function languageForPath(path: string): LanguageId | undefined {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dot = path.lastIndexOf('.');
  // A leading dot is a hidden file's name, not an extension.
  if (dot <= slash + 1) return undefined;
  return byExtension.get(path.slice(dot + 1).toLowerCase());
}

/** File name of the grammar inside the grammars folder. */
export function grammarFileName(id: LanguageId): string {
  return `tree-sitter-${id}.wasm`;
}
