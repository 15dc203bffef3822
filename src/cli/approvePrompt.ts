import { createInterface } from 'node:readline/promises';
import type { ApproveCommand } from '../core/agents/commandPolicy.ts';

/**
 * Asks on the terminal before a command the model wants runs. Without a terminal there is nobody
 * to ask, so the answer is no (pass --yes to allow commands in scripts).
 */
export function terminalApproval(): ApproveCommand | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return async (command, reason) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`\nThe model wants to run, in the sandbox:\n  ${command}\n  (${reason})\nAllow it? [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}
