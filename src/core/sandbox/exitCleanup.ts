import { reportIgnored } from '../ignoredErrors.ts';
/**
 * Last-chance cleanup of sandboxes when the process ends without disposing them. Handlers run
 * synchronously (an `exit` listener cannot wait), so each registered cleanup must be sync.
 */
const cleanups = new Set<() => void>();
const SIGNALS: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

/** Registers `cleanup` to run once if the process exits or is interrupted; returns the unregister. */
export function onProcessExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  install();
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) uninstall();
  };
}

function runAll(): void {
  const pending = [...cleanups];
  cleanups.clear();
  for (const cleanup of pending) {
    try {
      cleanup();
    } catch (error) {
      // Best effort: the next run's sweep removes whatever is left.
      reportIgnored('a cleanup at exit failed', error);
    }
  }
}

function onExit(): void {
  runAll();
}

function onSignal(signal: NodeJS.Signals): void {
  // Another listener owns shutdown (the CLI cancels gracefully, then exits): our `exit` hook
  // covers that exit. Alone, ours replaced Node's default of ending the process, so end it.
  if (process.listeners(signal).some(ownsShutdown)) return;
  runAll();
  uninstall();
  process.kill(process.pid, signal);
}

/**
 * A listener that ends the process its own way. signal-exit (loaded by proper-lockfile, the store's
 * lock) is not one: it acts only when it is the sole listener left, so deferring to it would leave
 * nobody to end the process and the signal would be swallowed. Its v3 listener is the function
 * named `listener`; a name is all it shows.
 */
function ownsShutdown(listener: (...args: never[]) => unknown): boolean {
  return listener !== onSignal && listener.name !== 'listener';
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
