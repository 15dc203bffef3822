import { CoevolveError } from '../core/errors.ts';
import type { CommitExperience } from '../core/memory/experience.ts';
import type { ExperienceDigest } from '../core/memory/experienceDigest.ts';
import { globToRegExp } from '../core/sandbox/tools/pathFilter.ts';
import type { ExperienceFilter } from '../protocol/memoryPanel.ts';

// The Memory tab's filters as predicates. No `vscode` here, so tests drive them in plain Node.

/** What an experience is tested on: its digest always; its author only when the filter names one. */
export interface ExperiencePredicate {
  /** Kind and files: the digest (kept in the recall index) has both, so no shard is read. */
  digest(digest: ExperienceDigest): boolean;
  /** Present when the filter names an author: digests do not carry authors, full records do. */
  author?: (author: CommitExperience['author']) => boolean;
}

export function isEmptyFilter(filter: ExperienceFilter): boolean {
  return filter.kind === undefined && filter.file === undefined && filter.author === undefined;
}

export function experiencePredicate(filter: ExperienceFilter): ExperiencePredicate {
  const path = filter.file === undefined ? undefined : pathMatcher(filter.file);
  const predicate: ExperiencePredicate = {
    digest: (digest) =>
      (filter.kind === undefined || digest.kind === filter.kind) &&
      // A renamed file matches by its old name too: the pattern may be what it used to be called.
      (path === undefined || digest.files.some((file) => path(file.path) || (file.oldPath !== undefined && path(file.oldPath)))),
  };
  if (filter.author !== undefined) {
    const wanted = filter.author.toLowerCase();
    predicate.author = ({ name, email }) => name.toLowerCase().includes(wanted) || email.toLowerCase().includes(wanted);
  }
  return predicate;
}

/**
 * A path substring (any case), or — when the pattern has `*`, `?`, `[` or `{` — a glob with the
 * same rules as the agent's own file tools (core's `globToRegExp`): `**` crosses folders, and a
 * glob without `/` matches file names at any depth.
 */
export function pathMatcher(pattern: string): (path: string) => boolean {
  const spec = pattern.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  if (!/[*?[{]/.test(spec)) {
    const part = spec.toLowerCase();
    return (path) => path.toLowerCase().includes(part);
  }
  let regex: RegExp;
  try {
    regex = globToRegExp(spec.replace(/^\/+/, ''));
  } catch (error) {
    // A class such as `[z-a]` is not a valid regular expression: say so in the user's terms.
    throw new CoevolveError('bad-input', `"${pattern}" is not a glob this filter understands.`, { hint: 'Use * and ** for any characters, ? for one.', cause: error });
  }
  if (spec.includes('/')) return (path) => regex.test(path);
  return (path) => regex.test(path.slice(path.lastIndexOf('/') + 1));
}
