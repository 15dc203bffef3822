import picomatch from 'picomatch/posix.js';
import { CoevolveError } from '../errors.ts';

/**
 * The one glob matcher for project paths (git's, relative to the root, `/`-separated): the agent's
 * list_files and search, skill triggers, the Memory tab's file filter. picomatch underneath; the
 * rules, the same on every platform:
 *
 * - `*` and `?` stay within a folder; `**` crosses folders, and `a/**\/b` also matches `a/b`
 *   (`src/**\/*.js` matches `src/math.js` and `src/a/b.js`).
 * - `[abc]`, `[a-z]`, `[!a]` and `[^a]`, `[[:alpha:]]`; `{a,b}` and `{1..3}`; the extglobs
 *   `@(a|b)`, `!(a)`, `+(a)`, `*(a)`, `?(a)`. Any other `(`, `)` and `|` are literal (Next.js's
 *   `app/(shop)/*.tsx` means the folder named `(shop)`), and so is a `[` left unclosed.
 * - A pattern without `/` is matched against the file name, at any depth (`*.md` matches
 *   `docs/guide.md`), as in .gitignore; one with a `/` anywhere is matched against the whole path
 *   from the root (`/*.md` only matches `README.md`, not `docs/guide.md`).
 * - A leading `./` or `/` is dropped, and backslashes are folder separators (a Windows user's
 *   `src\*.ts`), never escapes.
 * - Dot files and dot folders match like any other (`*.ts` matches `.eslintrc.ts`, `**` enters
 *   `.github/`): the paths come from git, which lists them.
 * - Case-sensitive everywhere, Windows and macOS included: git paths are case-sensitive, and a
 *   skill's trigger travels with the repository to teammates on other systems, so it must mean
 *   the same on each.
 * - A leading `!` negates: `!*.md` matches every file that is not Markdown.
 * - A pattern that cannot be compiled (`[z-a]`, an unclosed `{`) is a `bad-input` error, never a
 *   matcher that silently matches nothing.
 */
export function globMatcher(pattern: string): (path: string) => boolean {
  const spec = pattern.trim().replace(/\\/g, '/');
  const byName = !spec.includes('/');
  const glob = literalGroups(spec.replace(/^(?:\.?\/)+/, ''));
  if (!glob) throw new CoevolveError('bad-input', `"${pattern}" is an empty glob.`);
  let isMatch: (path: string) => boolean;
  try {
    // posix: `[!a]` negates and `[[:alpha:]]` works (without it picomatch reads `[!a]` as a literal);
    // debug: a pattern that compiles to an invalid RegExp throws, where picomatch would otherwise
    // quietly return one that never matches.
    isMatch = picomatch(glob, { dot: true, posix: true, debug: true });
  } catch (error) {
    // picomatch compiles to a RegExp; its message names the regular expression, then the problem.
    const why = (error instanceof Error ? error.message : String(error)).replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new CoevolveError('bad-input', `"${pattern}" is not a valid glob (${why}).`, {
      hint: 'Use * for any characters within a folder, ** across folders, ? for one character, [abc] for one of a set, {a,b} for alternatives.',
      cause: error,
    });
  }
  if (byName) return (path) => isMatch(baseName(path));
  return (path) => isMatch(path.replace(/\\/g, '/'));
}

/** Whether `pattern` is a glob rather than a plain path: it has a wildcard, a class, braces or an extglob. */
export function isGlob(pattern: string): boolean {
  return /[*?[{]|[@!+]\(/.test(pattern);
}

function baseName(path: string): string {
  const normal = path.replace(/\\/g, '/');
  return normal.slice(normal.lastIndexOf('/') + 1);
}

/** Escapes `(`, `)` and `|` that are not part of an extglob, so picomatch takes them literally. */
function literalGroups(glob: string): string {
  let out = '';
  const open: boolean[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '(') {
      const extglob = i > 0 && '@!+*?'.includes(glob[i - 1]!);
      open.push(extglob);
      out += extglob ? c : '\\(';
    } else if (c === ')') {
      out += open.pop() === true ? c : '\\)';
    } else if (c === '|') {
      out += open.at(-1) === true ? c : '\\|';
    } else out += c;
  }
  return out;
}
