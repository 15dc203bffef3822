/**
 * What package.json scripts may write, read from their text: enough to tell a lint or type check
 * that only reads the tree (and so may run while the tests run) from one that fixes files, emits
 * JavaScript, or reads what another check builds. A heuristic that errs toward "writes": when a
 * script hands its work to a runner this cannot see into (`run-p`, `turbo`, a shell script), it
 * counts as writing, and the check runs in order as it always did.
 */

/** Flags that make a linter or formatter rewrite the files it reads (`eslint --fix`, `prettier --write`, `biome --apply`). */
const REWRITES = /(?:^|\s)--(?:fix|write|apply|apply-unsafe)(?![\w-])/;
/** Words that say a command builds or generates files (`npm run build`, `tsc --build`, `node scripts/compile.js`, `prisma generate`). */
const BUILDS = /\b(?:build|compile|bundle|codegen|generate|prepare)\b/i;
/** Programs that write files whatever their arguments. */
const WRITERS = /^(?:babel|webpack|rollup|esbuild|tsup|swc|parcel|vite|gen-esm-wrapper|rimraf|del|del-cli|rm|cp|cpy|cpx|mv|mkdir|touch|ncc|microbundle|unbuild|tsc-alias)$/;
/** Programs that run other scripts or tasks this cannot read (so what they write is unknown). */
const OPAQUE = /^(?:run-s|run-p|npm-run-all|npm-run-all2|concurrently|turbo|nx|lerna|wireit|sh|bash|make|gulp|grunt)$/;
/** `npm run x`, `npm test`, `pnpm x`, `yarn run x`, `bun run x`: the name of a script another one runs. */
const RUNS_SCRIPT = /\b(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+)?(?:--?[\w-]+(?:=\S+)?\s+)*([\w:.@/-]+)/g;

/** The bodies that run when `name` runs: its own, its pre/post hooks, and the scripts they run by name, transitively. */
export function scriptClosure(scripts: ReadonlyMap<string, string>, name: string): string[] {
  const bodies: string[] = [];
  const seen = new Set<string>();
  const visit = (script: string): void => {
    for (const hook of [`pre${script}`, script, `post${script}`]) {
      if (seen.has(hook)) continue;
      seen.add(hook);
      const body = scripts.get(hook);
      if (body === undefined) continue;
      bodies.push(body);
      for (const match of body.matchAll(RUNS_SCRIPT)) if (scripts.has(match[1]!)) visit(match[1]!);
    }
  };
  visit(name);
  return bodies;
}

/**
 * Whether running `name` (with what it runs) may write files in the project: a fix or write flag,
 * a build, a program that writes, `tsc` without `--noEmit`, or a runner this cannot see into.
 */
export function scriptMayWrite(scripts: ReadonlyMap<string, string>, name: string): boolean {
  for (const body of scriptClosure(scripts, name)) {
    if (REWRITES.test(body)) return true;
    for (const segment of body.split(/&&|\|\||[;&|\n]/)) {
      const words = commandWords(segment);
      const program = words[0];
      if (program === undefined) continue;
      if (BUILDS.test(segment) || WRITERS.test(program) || OPAQUE.test(program)) return true;
      if (/^(?:tsc|vue-tsc)$/.test(program) && !words.includes('--noEmit')) return true;
      // A script file it runs (`./scripts/check.sh`, `node tools/lint.js`) could do anything; `node --test` and friends are runners.
      if (/\.(?:sh|bash)$/.test(program)) return true;
    }
  }
  return false;
}

/** A command's words with the leading `VAR=value`s, `npx` (and its flags), `pnpm exec`, `yarn`, `cross-env` and `node_modules/.bin/` taken off. */
function commandWords(segment: string): string[] {
  const words = segment.trim().replace(/^\(+/, '').split(/\s+/).filter(Boolean);
  for (;;) {
    const first = words[0];
    if (first === undefined) return words;
    if (/^[A-Za-z_]\w*=/.test(first) || /^(?:cross-env|env|time|exec|nice)$/.test(first)) words.shift();
    else if (first === 'npx') {
      words.shift();
      while (words[0]?.startsWith('-')) words.shift();
    } else if ((first === 'pnpm' || first === 'bun') && (words[1] === 'exec' || words[1] === 'x' || words[1] === 'dlx')) words.splice(0, 2);
    else if (first === 'bunx' || first === 'pnpx') words.shift();
    else if (first === 'yarn' && words[1] !== undefined && !/^(?:run|install|add|exec)$/.test(words[1]) && !words[1].startsWith('-')) words.shift();
    else break;
  }
  words[0] = words[0]!.replace(/^(?:\.\/)?node_modules\/\.bin\//, '');
  return words;
}
