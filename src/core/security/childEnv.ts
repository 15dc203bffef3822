import { containsSecret } from './redact.ts';

/**
 * The environment handed to every child process the product starts (project checks, commands the
 * model asked for, the sidecar): the parent's, minus anything that may be a secret. Code we did not
 * write — or that a model just wrote — gets no API keys, cloud credentials, agent sockets or editor
 * IPC handles.
 */

/** Variable names that say "secret". Over-matching (`MONKEY`) costs little; a leak costs a lot. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|(^|_)PASS(_|$)|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|(^|_)DSN$/i;

/** Whole families: model providers, clouds, CI/forge tokens, and our own settings. */
const SECRET_PREFIX = /^(OPENAI|ANTHROPIC|AZURE|AWS|GOOGLE|GCP|GCLOUD|CLOUDSDK|GEMINI|MISTRAL|GROQ|COHERE|DEEPSEEK|OPENROUTER|TOGETHER|XAI|HF|HUGGING_?FACE|REPLICATE|GITHUB|GH|GITLAB|BITBUCKET|NPM_TOKEN|NODE_AUTH|DOCKER|VAULT|COEVOLVE)(_|$)/i;

/**
 * Not secrets, but wrong for a child: editor and Electron IPC (a child could drive the editor
 * through them), and Node's test-runner handshake (a `node --test` started from inside a test
 * run would otherwise speak the binary child protocol instead of printing results).
 */
const HOST_ONLY = /^(VSCODE_|ELECTRON_|NODE_TEST_CONTEXT$|NODE_CHANNEL_FD$)/;

/** Names whose values are paths or locale, never secrets, so the value scan leaves them alone. */
const ALWAYS_KEEP = /^(PATH|PATHEXT|PWD|OLDPWD|HOME|USERPROFILE|HOMEDRIVE|HOMEPATH|TMPDIR|TEMP|TMP|SHELL|USER|USERNAME|LOGNAME|LANG|LANGUAGE|LC_\w+|TERM|TZ|SYSTEMROOT|SYSTEMDRIVE|COMSPEC|WINDIR|APPDATA|LOCALAPPDATA|PROGRAMDATA|PROGRAMFILES(\(X86\))?|NODE_EXTRA_CA_CERTS|SSL_CERT_(FILE|DIR))$/i;

export interface ScrubbedEnvironment {
  env: Record<string, string>;
  /** Names left out (never values), for diagnostics. */
  dropped: string[];
}

export function withoutSecrets(source: NodeJS.ProcessEnv = process.env): ScrubbedEnvironment {
  const env: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (isSecretName(name) || HOST_ONLY.test(name) || (!ALWAYS_KEEP.test(name) && containsSecret(`${name}=${value}`))) {
      dropped.push(name);
      continue;
    }
    env[name] = value;
  }
  return { env, dropped: dropped.sort() };
}

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) || SECRET_PREFIX.test(name);
}
