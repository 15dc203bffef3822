import { posix } from 'node:path';

/**
 * Files that define what the checks run and how: package manifests (their scripts), test-runner,
 * type-checker and linter configuration, and shared test fixtures. A change that edits one of them
 * could change its own verdict (make `npm test` run nothing, skip a test, relax a lint rule), so
 * the change is verified with the versions the task started from.
 */
const DEFINITIONS = new RegExp(
  [
    '^package\\.json$',
    '^\\.mocharc(\\.[\\w.]+)?$',
    '^mocha\\.opts$',
    '^\\.(npmrc|yarnrc|yarnrc\\.yml|pnpmfile\\.cjs)$',
    // Python runs these at start-up from any folder on its path (a src layout's src/ included).
    '^(sitecustomize|usercustomize)\\.py$',
    '\\.pth$',
    '^(jest|vitest|vitest\\.workspace|karma\\.conf|playwright\\.config|cypress\\.config|ava\\.config|babel\\.config|eslint\\.config|prettier\\.config|tsup\\.config)\\.[cm]?[jt]s(on)?$',
    '^\\.(eslintrc|babelrc|nycrc|c8rc|taprc|prettierrc)(\\.[\\w.]+)?$',
    '^tsconfig(\\.[\\w.-]+)?\\.json$',
    '^(pytest\\.ini|tox\\.ini|setup\\.cfg|pyproject\\.toml|conftest\\.py|noxfile\\.py)$',
    '^(go\\.mod|Cargo\\.toml|Makefile|justfile|Taskfile\\.ya?ml)$',
  ].join('|'),
);

/** Whether the file at `path` (relative, `/`-separated) defines how checks run. */
export function isVerifierDefinition(path: string): boolean {
  return DEFINITIONS.test(posix.basename(path));
}

/**
 * The paths of a change that must be verified as they were before it: verifier definitions it
 * edited, and the target tests themselves (a target proven by a test the change rewrote proves
 * nothing). Renames count by both names.
 */
export function protectedPaths(changed: readonly { path: string; from?: string }[], targetFiles: ReadonlySet<string>): string[] {
  const paths = new Set<string>();
  for (const file of changed) {
    for (const path of file.from ? [file.from, file.path] : [file.path]) {
      if (isVerifierDefinition(path) || targetFiles.has(path)) paths.add(path);
    }
  }
  return [...paths].sort();
}
