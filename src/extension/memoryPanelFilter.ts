import type { CommitExperience } from '../core/memory/experience.ts';
import type { ExperienceDigest } from '../core/memory/experienceDigest.ts';
import { globMatcher, isGlob } from '../core/util/glob.ts';
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
 * A path substring (any case), or — when the pattern is a glob (`*`, `?`, `[`, `{`) — the glob
 * rules of core's `util/glob.ts`, the same as the agent's own file tools and skill triggers: `**`
 * crosses folders, and a glob without `/` matches file names at any depth. A glob that does not
 * compile (`[z-a]`) is a `bad-input` error.
 */
export function pathMatcher(pattern: string): (path: string) => boolean {
  const spec = pattern.trim().replace(/\\/g, '/');
  if (!isGlob(spec)) {
    const part = spec.replace(/^\.\//, '').toLowerCase();
    return (path) => path.toLowerCase().includes(part);
  }
  return globMatcher(spec);
}
