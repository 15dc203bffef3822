import { CoevolveError } from '../errors.ts';

/** Asks the user whether a command the model wants to run may run (CLI prompt, editor modal). */
export type ApproveCommand = (command: string, reason: string) => Promise<boolean>;

export interface CommandPolicy {
  /** No command of any kind runs in a workspace the user has not trusted. */
  workspaceTrusted: boolean;
  /** `--yes`: the user approved every command up front. */
  approveAll: boolean;
  approve?: ApproveCommand;
}

/**
 * Decides whether a command the *model* asked for may run. Verification commands never come
 * through here: they come from the project's own configuration or detection. Text in the repository
 * or in tool output cannot approve anything: only the user's answer (or --yes) can.
 */
export async function mayRunModelCommand(policy: CommandPolicy, command: string, reason: string): Promise<void> {
  if (!policy.workspaceTrusted) throw new CoevolveError('workspace-untrusted', 'This workspace is not trusted, so no command runs in it.');
  if (policy.approveAll) return;
  if (!policy.approve) throw new CoevolveError('command-not-approved', `The model asked to run \`${command}\`; commands need approval (--yes allows them).`);
  if (!(await policy.approve(command, reason))) throw new CoevolveError('command-not-approved', `You declined to run \`${command}\`.`);
}
