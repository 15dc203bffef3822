/**
 * The environment handed to child processes the product starts (the sidecar, project checks):
 * the parent's, minus anything that looks like a credential. A model-driven or third-party
 * process never sees the user's API keys.
 */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSW(OR)?D|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE/i;
const SECRET_PREFIX = /^(OPENAI|ANTHROPIC|AZURE|AWS|GOOGLE|GCP|GITHUB|GITLAB|NPM|HF|HUGGING_?FACE|COHERE|MISTRAL|GROQ|TOGETHER|DEEPSEEK)_/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) || SECRET_PREFIX.test(name);
}

export function scrubbedEnv(base: NodeJS.ProcessEnv = process.env, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !isSecretName(name)) env[name] = value;
  }
  return { ...env, ...extra };
}
