import type { CommitExperience, ExperienceKind, FileCategory } from './experience.ts';
import { withoutLinksAndTags } from './messageMarkup.ts';
import { indexedKeywords } from './keywords.ts';

/**
 * The slice of an experience that recall needs, kept compact so that the whole memory of a large
 * project loads fast. Full records are read from their shard only for the results shown.
 */
export interface ExperienceDigest {
  sha: string;
  seq: number;
  time: number;
  kind: ExperienceKind;
  subject: string;
  files: Array<{ path: string; oldPath?: string; category: FileCategory; deleted?: boolean; words?: string[] }>;
  symbols: Array<{ path: string; name: string; container?: string; kind: string }>;
  reverted: boolean;
  isRevert: boolean;
  q: number;
  lastUsed?: number;
  quarantined?: boolean;
  pinned?: boolean;
  /** A tombstone: nothing left to search or rank. */
  forgotten?: boolean;
}

export function digestOf(experience: CommitExperience): ExperienceDigest {
  return {
    sha: experience.sha,
    seq: experience.seq,
    time: experience.commitTime,
    kind: experience.kind,
    subject: experience.intent.subject,
    files: experience.files.map((f) => {
      const file: ExperienceDigest['files'][number] = { path: f.path, category: f.category };
      if (f.oldPath !== undefined) file.oldPath = f.oldPath;
      if (f.status === 'deleted') file.deleted = true;
      if (f.words) file.words = f.words;
      return file;
    }),
    symbols: experience.symbols.map((s) => {
      const symbol: ExperienceDigest['symbols'][number] = { path: s.path, name: s.name, kind: s.kind };
      if (s.container !== undefined) symbol.container = s.container;
      return symbol;
    }),
    reverted: experience.revertedBy !== undefined,
    isRevert: experience.kind === 'revert',
    q: experience.utility.q,
    ...(experience.utility.lastUsed !== undefined ? { lastUsed: experience.utility.lastUsed } : {}),
    ...(experience.utility.quarantined ? { quarantined: true } : {}),
    ...(experience.forgotten ? { forgotten: true } : {}),
    ...(experience.utility.pinned ? { pinned: true } : {}),
  };
}

/** How much a match in each indexed field counts: the subject most, the files and symbols next. */
export const FIELD_BOOSTS = { title: 3, body: 1, code: 2 };

/** The text fields the lexical index sees for one experience. */
export function searchFieldsOf(experience: CommitExperience): Record<'subject' | 'body' | 'keywords' | 'paths' | 'symbols', string> {
  return {
    subject: [withoutLinksAndTags(experience.intent.subject), experience.intent.scope ?? ''].join(' '),
    body: withoutLinksAndTags(experience.intent.body).slice(0, 2000),
    keywords: indexedKeywords(experience).join(' '),
    paths: experience.files.map((f) => (f.oldPath ? `${f.path} ${f.oldPath}` : f.path)).join(' '),
    symbols: experience.symbols.map((s) => (s.container ? `${s.container}.${s.name}` : s.name)).join(' '),
  };
}
