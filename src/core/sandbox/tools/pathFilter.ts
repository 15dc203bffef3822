import { globMatcher, isGlob } from '../../util/glob.ts';

/**
 * The `path` argument of list_files and search: a folder or file prefix (`src`, `src/app.ts`) or a
 * glob (`src/**\/*.ts`, `*.md`) with the rules of `util/glob.ts` (a glob without a `/` matches
 * file names at any depth, as in .gitignore). A glob that does not compile is a `bad-input` error,
 * which the model sees as the tool's answer.
 */
export function pathFilter(pattern: string | undefined): (path: string) => boolean {
  const spec = (pattern ?? '').trim().replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/^\.$/, '');
  if (!spec) return () => true;
  if (!isGlob(spec)) {
    const prefix = spec.replace(/\/+$/, '');
    return (path) => path === prefix || path.startsWith(`${prefix}/`);
  }
  return globMatcher(spec);
}
