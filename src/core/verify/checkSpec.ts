/**
 * What a project check is. A `CheckSpec` is only ever built by detection (`detect/`) or from the
 * user's `coevolve.verify` setting (`configuredChecks.ts`), and only `planChecks` hands specs out;
 * the runner refuses anything else (see `plan.ts`). Nothing a model writes can become a command.
 */

export type CheckKind = 'test' | 'typecheck' | 'lint' | 'custom';

/** Where a check came from: `detected:package.json`, `detected:go.mod`, ... or `configured`. */
export type CheckSource = `detected:${string}` | 'configured';

/**
 * How to start a check. Detected checks are an argv array, spawned without a shell, so a script
 * name or path can never be read as shell syntax. Checks the user configured as a string are shell
 * lines by intent (`npm test && npm run e2e`), exactly like package.json scripts, so they say so and
 * run through the platform shell. The runner never guesses which one it has.
 */
export type CheckCommand = { readonly argv: readonly string[] } | { readonly shell: string };

export interface CheckSpec {
  /** Unique within a plan: `test`, `typecheck`, `lint`, `pytest`, `go-test`, `cargo-test`, or the configured name. */
  readonly id: string;
  readonly kind: CheckKind;
  readonly command: CheckCommand;
  /** The command as a person would type it, for reports. */
  readonly display: string;
  /** Absolute folder the command runs in; failure paths are made relative to it. */
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly source: CheckSource;
  /** Variables set on top of the scrubbed environment (PYTHONPATH for a src layout); never secrets. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * May run while the plan's other checks run. Set only by detection, on a lint or type check that
   * reads the tree without writing it, in a project whose other detected checks write nothing it
   * reads (see detect/scriptEffects.ts); `planChecks` drops it from every check of a plan that holds
   * a configured one. Checks without it run one after another, in plan order (see schedule.ts).
   */
  readonly parallel?: true;
}

/** A check before the plan fixes its timeout. Detectors and the config parser produce these. */
export type CheckDraft = Omit<CheckSpec, 'timeoutMs'> & { readonly timeoutMs?: number };

/** The checks for one folder, as issued by `planChecks`. Frozen. */
export interface CheckPlan {
  readonly folder: string;
  readonly checks: readonly CheckSpec[];
  /** Things detection noticed and skipped, for the user (never secrets, never output). */
  readonly notes: readonly string[];
}

/** `npm run test`, `sh -c '...'` shown plainly: argv joined, quoting only where needed. */
export function displayArgv(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}
