import { isAbsolute, relative } from 'node:path';
import { CoevolveError } from '../core/errors.ts';
import { redactPath } from '../core/security/minedText.ts';

/**
 * A path as the store records it: relative to the repository root, with forward slashes, and
 * redacted as mining redacts it (a file named after a token is remembered under the redacted name).
 */
export function repoRelativePath(root: string, path: string): string {
  let p = path.trim().replace(/\\/g, '/');
  if (isAbsolute(p)) {
    p = relative(root, p).replace(/\\/g, '/');
    if (p.startsWith('..')) throw new CoevolveError('bad-input', `${path} is outside the repository this server serves (${root}).`);
  }
  p = p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (!p) throw new CoevolveError('bad-input', 'Give a file path relative to the repository root, e.g. src/index.ts.');
  return redactPath(p).text;
}
