import { Command, CommanderError } from 'commander';
import { CoevolveError } from '../core/errors.ts';
import { EXIT, exitCodeFor } from './exitCodes.ts';
import { commandsFor } from './commandRegistry.ts';
import { VERSION } from '../core/version.ts';
import { ONE_SHOT, quickWasm } from './quickWasm.ts';
import { describeIgnored, setIgnoredErrorSink } from '../core/ignoredErrors.ts';

// The launcher has done so already (before compiling, see codeCache.ts); run from source, it is done here.
if (ONE_SHOT.has(process.argv[2] ?? '')) quickWasm();

const program = new Command('coevolve')
  .description('Co-evolve: mine a repository\'s history into structured memory, solve tasks with a verified agent team, and learn from what you accept.')
  .version(VERSION)
  // The program's own options (--version) only before a command: `skills show x --version 1` is the command's.
  .enablePositionalOptions()
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    `
Exit codes:
  0    success
  1    unexpected failure
  2    bad usage, or the folder is not a git repository, or nothing mined yet
  3    the memory store is corrupt or from a newer version (see \`coevolve store repair\`)
  4    the memory store is locked by another process
  5    git failed
  6    the model failed (unreachable, refused the key, rate-limited, timed out, bad output)
  7    solve: the change did not pass the project's checks (or none were found, or the budget ran out)
  8    solve: the checks pass as before, but no test demonstrates the change (no regressions, not proven)
  130  cancelled (Ctrl-C)`,
  )
  .exitOverride();

async function main(): Promise<void> {
  try {
    // Only the named command's module is loaded (and initialized): a `mine` or `recall` does not pay
    // for the model client, the MCP server and the solve team (--version 132 -> 96 ms, a mine ~12 ms).
    for (const register of await commandsFor(process.argv[2])) register(program);
    await program.parseAsync(process.argv);
  } catch (error) {
    process.exitCode = report(error);
  }
}

// Output piped into a reader that stopped (`coevolve --help | head -3`): the rest has nowhere to go,
// so the command ends there, quietly, as other command-line tools do, instead of crashing with an
// unhandled EPIPE. A mine stopped this way keeps what it saved (it saves batch by batch).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
  });
}

// An error some command carries on past (a failed cleanup, a worker that would not start) is
// rare and worth knowing: it is said on stderr, never silently dropped. A solve's go to its run log.
setIgnoredErrorSink((why, error) => process.stderr.write(`coevolve: warning: ${describeIgnored(why, error)}\n`));

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed the usage message; --help and --version end here with code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (CoevolveError.is(error)) {
    process.stderr.write(`coevolve: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  ${error.hint}\n`);
    return exitCodeFor(error.reason);
  }
  process.stderr.write(`coevolve: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}

void main();
