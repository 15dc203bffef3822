/** Languages the symbol layer understands; each maps to one tree-sitter grammar file. */
export type LanguageId =
  | 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'rust' | 'java'
  | 'c' | 'cpp' | 'csharp' | 'ruby' | 'php' | 'bash';

export const languageIds: readonly LanguageId[] = [
  'typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'csharp', 'ruby', 'php', 'bash',
];

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
  // .h is C's header; C++ code in .h files still gets its classes and namespaces, because C is
  // parsed with the C++ grammar (see grammarFiles).
  ['c', 'c'],
  ['h', 'c'],
  ['cc', 'cpp'],
  ['cpp', 'cpp'],
  ['cxx', 'cpp'],
  ['c++', 'cpp'],
  ['hpp', 'cpp'],
  ['hh', 'cpp'],
  ['hxx', 'cpp'],
  ['cs', 'csharp'],
  ['rb', 'ruby'],
  ['rake', 'ruby'],
  ['php', 'php'],
  ['sh', 'bash'],
  ['bash', 'bash'],
]);

/**
 * Grammar file stems inside the grammars folder. @vscode/tree-sitter-wasm ships no C grammar; the
 * C++ grammar is built on tree-sitter-c and its error recovery is local, so C code that uses C++
 * keywords as names (`new`, `class`) loses only the statement around them, not the enclosing function.
 */
const grammarFiles: Readonly<Record<LanguageId, string>> = {
  typescript: 'typescript',
  tsx: 'tsx',
  javascript: 'javascript',
  python: 'python',
  go: 'go',
  rust: 'rust',
  java: 'java',
  c: 'cpp',
  cpp: 'cpp',
  csharp: 'c-sharp',
  ruby: 'ruby',
  php: 'php',
  bash: 'bash',
};

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
  return `tree-sitter-${grammarFiles[id]}.wasm`;
}

/** Every grammar file the languages need, once each (the build copies these). */
export function grammarFileNames(): string[] {
  return [...new Set(languageIds.map(grammarFileName))];
}
