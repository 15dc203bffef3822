import { setFlagsFromString } from 'node:v8';

/** Commands that answer once and exit. Long runs (mine, mcp, solve, replay, evolve, sidecar) are not. */
export const ONE_SHOT: ReadonlySet<string> = new Set(['recall', 'stats', 'memory', 'skills', 'feedback', 'models', 'chat']);

/** Shared by the launcher (cli.cjs) and the CLI bundle, which are separate module instances. */
const APPLIED = Symbol.for('coevolve.quickWasm');
/** Left by the launcher's code cache (codeCache.ts): writes the cache now, while V8's flags are those it started with. */
export const SAVE_CODE_CACHE = Symbol.for('coevolve.saveCodeCache');

/**
 * For a process that answers once and exits: WebAssembly (SQLite, tree-sitter) compiled from now on
 * uses V8's baseline tier only. The optimizing tier compiles in the background for ~0.4 s, and the
 * process waits for it at exit (a cold recall at 100k commits: 0.95 s, 0.53 s with the baseline
 * compiler alone, the same answer). Long runs (a whole mine, mcp, solve) keep it: there it pays.
 *
 * V8 stamps a code cache with its flags and rejects it under others, so a cache still to be written
 * is written first (the launcher sets the flag before compiling for the one-shot commands, so theirs
 * match), and the flag is set once per process.
 */
export function quickWasm(): void {
  const state = globalThis as Record<symbol, unknown>;
  if (state[APPLIED]) return;
  const save = state[SAVE_CODE_CACHE];
  if (typeof save === 'function') save();
  // With what it implies spelled out: V8 applies a flag's implications at start only, so on newer
  // Node (24) a --liftoff-only set now left dynamic tier-up on (a cold recall 0.39 s, 0.29 s with these).
  setFlagsFromString('--liftoff-only --no-wasm-tier-up --no-wasm-dynamic-tiering');
  state[APPLIED] = true;
}
