import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where an error that the code chooses to carry on past is reported, so no failure is silent.
 * A run (solve, replay) scopes its own sink with `withIgnoredErrorSink`, which puts the note in that
 * run's log; outside a run it goes to the front door's sink (the CLI's stderr with --verbose, the
 * extension's output channel). Each call site names why it may carry on.
 */
export type IgnoredErrorSink = (why: string, error: unknown) => void;

const scoped = new AsyncLocalStorage<IgnoredErrorSink>();
let fallback: IgnoredErrorSink | undefined;

/** The front door's sink for errors ignored outside any run. */
export function setIgnoredErrorSink(sink: IgnoredErrorSink | undefined): void {
  fallback = sink;
}

/** Runs `task` with errors ignored inside it reported to `sink` (a run's log). */
export function withIgnoredErrorSink<T>(sink: IgnoredErrorSink, task: () => T): T {
  return scoped.run(sink, task);
}

/** Reports an error the caller carries on past, with why that is safe. */
export function reportIgnored(why: string, error: unknown): void {
  const sink = scoped.getStore() ?? fallback;
  if (!sink) return;
  try {
    sink(why, error);
  } catch (sinkError) {
    // A broken sink (a closed output channel) must not turn a harmless error into a failure.
    process.emitWarning(`Could not report an ignored error (${why}): ${String(sinkError)}`);
  }
}

/** A `.catch()` handler that reports the error with why it is safe to carry on, and yields `undefined`. */
export function ignoreError(why: string): (error: unknown) => undefined {
  return (error) => {
    reportIgnored(why, error);
    return undefined;
  };
}

/** One line for a log: the reason and the error's message, never its stack. */
export function describeIgnored(why: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${why} (ignored: ${message.split('\n')[0]})`;
}
