import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * Whether a long-lived helper process keeps Node running: waited on, it must; waiting on nothing,
 * it must not (a CLI would otherwise never exit).
 */
export function holdProcess(child: ChildProcess, held: boolean): void {
  if (held) child.ref();
  else child.unref();
  for (const pipe of [child.stdin, child.stdout] as unknown as Socket[]) {
    if (typeof pipe?.unref !== 'function') continue;
    if (held) pipe.ref();
    else pipe.unref();
  }
}
