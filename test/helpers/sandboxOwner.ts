// Child process for the cleanup tests: opens a sandbox, reports where, then waits to be killed
// (or, with "exit", ends itself without disposing it).
import { dirname } from 'node:path';
import { openSandbox } from '../../src/core/sandbox/openSandbox.ts';

const [root, baseDir, then] = process.argv.slice(2);
// The store's lock library listens for signals too (signal-exit), as it does in the CLI and the extension.
if (process.env.COEVOLVE_TEST_LOAD_LOCKFILE) await import('proper-lockfile');
const sandbox = await openSandbox({ root: root!, baseDir: baseDir! });
process.stdout.write(`${JSON.stringify({ tree: sandbox.root, dir: dirname(sandbox.root) })}\n`);
if (then === 'exit') process.exit(0);
setInterval(() => undefined, 60_000);
