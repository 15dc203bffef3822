import { withoutSecrets } from '../../security/childEnv.ts';
import type { ScrubbedEnvironment } from '../../security/childEnv.ts';

/**
 * The environment a check runs in: the parent's, minus anything that may be a secret, plus
 * settings that make tools print plain, parseable, non-interactive output. A project's tests are
 * code we did not write, and in an agent loop code we may have just written; they get no API keys,
 * cloud credentials, agent sockets or editor IPC handles.
 */

/** Added on top: plain output, CI behaviour (no watch mode, no prompts), no stray writes. */
const CHECK_SETTINGS: Readonly<Record<string, string>> = {
  CI: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  TERM: 'dumb',
  CARGO_TERM_COLOR: 'never',
  PY_COLORS: '0',
  PYTHONDONTWRITEBYTECODE: '1',
  GIT_TERMINAL_PROMPT: '0',
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
};

export type { ScrubbedEnvironment };

export function scrubEnvironment(source: NodeJS.ProcessEnv = process.env): ScrubbedEnvironment {
  const { env, dropped } = withoutSecrets(source);
  Object.assign(env, CHECK_SETTINGS);
  return { env, dropped };
}
