import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { CoevolveError } from '../../errors.ts';
import type { ResolvedRoot } from './toolRoot.ts';

export type Access = 'read' | 'write';

export interface ConfinedPath {
  /** Normalised, `/`-separated, relative to the root; '' is the root itself. */
  rel: string;
  /** The path under the root as named (a symlink stays a symlink). */
  path: string;
  /** Where it really leads once symlinks are followed; writes go here. */
  real: string;
  /** Inside a linked dependency folder. */
  readOnly: boolean;
}

/**
 * Turns a path from the model into one inside the root, or refuses: absolute paths, `..` escapes,
 * anything in `.git`, symlinks leading outside the root (except, for reading, into the linked
 * dependency folders), and any write into those folders.
 */
export async function confinePath(root: ResolvedRoot, input: string, access: Access, options: { allowRoot?: boolean } = {}): Promise<ConfinedPath> {
  const given = input.trim();
  if (given.includes('\0')) throw outside(`The path ${JSON.stringify(given)} contains a NUL byte.`);
  const slashed = given.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed) || isAbsolute(given)) {
    const inside = relative(root.root, given);
    const suggestion = inside && !inside.startsWith('..') && !isAbsolute(inside) ? ` Use the path relative to the project root: ${inside.split(sep).join('/')}` : '';
    throw outside(`Paths are relative to the project root; ${given} is absolute.${suggestion}`);
  }
  const rel = posix.normalize(slashed || '.').replace(/\/+$/, '').replace(/^\.$/, '').replace(/^\.\//, '');
  if (rel === '..' || rel.startsWith('../')) throw outside(`${given} points outside the project.`);
  if (!rel && !options.allowRoot) throw new CoevolveError('bad-input', 'The path is empty; name a file relative to the project root.');
  if (touchesGit(rel)) throw outside(`${given} is inside .git, which the tools do not touch.`);

  const readOnly = root.readOnlyPaths.some((linked) => rel === linked || rel.startsWith(`${linked}/`));
  if (readOnly && access === 'write') {
    throw new CoevolveError('edit-rejected', `${rel} is inside ${readOnlyRootOf(root, rel)}, a link to the project's installed dependencies; it is read-only here.`);
  }
  const path = rel ? join(root.root, ...rel.split('/')) : root.root;
  const real = await resolveExisting(path);
  const realRel = relative(root.realRoot, real);
  const inside = realRel === '' || (!realRel.startsWith('..') && !isAbsolute(realRel));
  if (!inside && !(readOnly && access === 'read')) {
    throw outside(`${rel} is a symbolic link (or inside one) that leads outside the project.`);
  }
  if (inside && touchesGit(realRel.split(sep).join('/'))) throw outside(`${rel} leads into .git, which the tools do not touch.`);
  return { rel, path, real, readOnly };
}

/** The real path of the longest existing part, with the rest appended: where a write would land. */
async function resolveExisting(path: string): Promise<string> {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      await lstat(current);
      return join(await realpath(current), ...rest);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = dirname(current);
      // ENOENT: not there yet; ENOTDIR: a file on the way (the write fails later, clearly); ELOOP:
      // a symlink cycle, judged by its parent.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP') || parent === current) throw error;
      rest.unshift(basename(current));
      current = parent;
    }
  }
}

function touchesGit(rel: string): boolean {
  return rel.split('/').some((segment) => segment.toLowerCase() === '.git');
}

function readOnlyRootOf(root: ResolvedRoot, rel: string): string {
  return root.readOnlyPaths.find((linked) => rel === linked || rel.startsWith(`${linked}/`)) ?? rel;
}

function outside(message: string): CoevolveError {
  return new CoevolveError('path-outside-workspace', message);
}
