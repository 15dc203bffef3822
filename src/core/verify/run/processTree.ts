import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { CheckCommand } from '../checkSpec.ts';
import { reportIgnored } from '../../ignoredErrors.ts';

/**
 * Starting a check in its own process group and ending the whole group. Test runners fork
 * workers, package managers start shells, shells start tools; killing only the pid we spawned
 * would leave those running (and holding our pipes open) after a timeout.
 */

const IS_WINDOWS = process.platform === 'win32';

export function spawnCheck(command: CheckCommand, cwd: string, env: Record<string, string>): ChildProcess {
  const options = {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
    // A new process group on POSIX (its id is the child's pid), so `kill(-pid)` reaches every
    // descendant that did not leave the group on purpose. Windows has no groups; see killTree.
    detached: !IS_WINDOWS,
    windowsHide: true,
  };
  if ('shell' in command) return spawn(command.shell, { ...options, shell: true });
  const [program, ...args] = command.argv;
  if (program === undefined) throw new Error('empty argv');
  return spawn(program, args, { ...options, shell: false });
}

/**
 * After the check's main process exited: ends whatever it left in its group (servers, watchers),
 * which would outlive the check and hold our pipes open. POSIX only: on Windows the exited pid
 * may already belong to an unrelated process, and `taskkill /T` would take that tree down.
 */
export function killLeftovers(child: ChildProcess): void {
  if (!IS_WINDOWS) killTree(child, 'SIGKILL');
}

/** Signals the child's whole process tree; falls back to the child alone when that fails. */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (IS_WINDOWS) {
    // taskkill /T walks the tree by parent pid; /F because Windows has no polite signal to send.
    try {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => child.kill(signal));
    } catch {
      child.kill(signal);
    }
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone (or was never made); EPERM: not ours to signal. Try the pid itself.
    try {
      child.kill(signal);
    } catch (error) {
      // ESRCH: already gone, which is what was wanted.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') reportIgnored(`could not stop process ${pid}`, error);
    }
  }
}
