import { setFlagsFromString } from 'node:v8';

/**
 * For a process that answers once and exits: WebAssembly (SQLite, tree-sitter) compiled from now on
 * uses V8's baseline tier only. The optimizing tier compiles in the background for ~0.4 s, and the
 * process waits for it at exit (a cold recall at 100k commits: 0.95 s, 0.53 s with the baseline
 * compiler alone, the same answer). Long runs (a whole mine, mcp, solve) keep it: there it pays.
 */
export function quickWasm(): void {
  setFlagsFromString('--liftoff-only');
}
