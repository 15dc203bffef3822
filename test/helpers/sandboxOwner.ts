// Child process for the cleanup tests: opens a sandbox, reports where, then waits to be killed
// (or, with "exit", ends itself without disposing it).
import { dirname } from 'node:path';
import { openSandbox } from '../../src/core/sandbox/openSandbox.ts';

const [root, baseDir, then] = process.argv.slice(2);
const sandbox = await openSandbox({ root: root!, baseDir: baseDir! });
process.stdout.write(`${JSON.stringify({ tree: sandbox.root, dir: dirname(sandbox.root) })}\n`);
if (then === 'exit') process.exit(0);
setInterval(() => undefined, 60_000);
