import { effectiveQ, setPinned, setQuarantine } from '../core/learning/utility.ts';
import { readFixes } from '../core/learning/fixExperience.ts';
import type { CommitExperience, Utility } from '../core/memory/experience.ts';
import { forgetExperience } from '../core/memory/forgetExperience.ts';
import { commitExcerpt } from '../core/memory/commitExcerpt.ts';
import { recallInWorkspace } from '../core/memory/recallService.ts';
import { warmMemoryFor } from '../core/memory/warmMemory.ts';
import { CoevolveError } from '../core/errors.ts';
import type { Workspace } from '../core/workspace.ts';
import type { ExperienceRow, RequestHandlers, UtilityView } from '../protocol/memoryPanel.ts';
import { readCreditHistories } from './creditHistory.ts';
import { memoryBrowserFor } from './memoryPanelQuery.ts';
import { runsHandlers } from './runsHandlers.ts';
import type { RunsHandlerOptions } from './runsHandlers.ts';
import { skillHandlers } from './skillHandlers.ts';
import { editorRecallOptions } from './editorRecall.ts';
import type { EmbedderLookup } from './editorRecall.ts';
import type { SkillHandlerOptions } from './skillHandlers.ts';

// What each browser request does, in core terms. No `vscode` here: the panel host only wires these
// to the webview, so the same handlers could serve another front door.

const SEARCH_RESULTS = 20;
/** Notes shown above the search results (why a channel was left out). */
const MAX_NOTES = 5;
// With a file or author filter the ranked hits are narrowed afterwards, so more are asked for.
const FILTERED_CANDIDATES = 200;
// The protocol's bound on a list; far more than anyone quarantines by hand.
const MAX_QUARANTINED = 500;
// A card shows the first 20; a few more keep a page small however large a commit was.
const ROW_LIST = 50;
// A card has room to read a change: more of it than a prompt gets, still bounded.
const CARD_EXCERPT_LINES = 60;

function utilityView(utility: Utility, now: number): UtilityView {
  // The Q the recall ranking actually uses: decayed since the memory was last used.
  const view: UtilityView = { q: round(effectiveQ(utility.q, utility.lastUsed, now)), helpful: utility.helpful, harmful: utility.harmful, uses: utility.uses };
  if (utility.quarantined) view.quarantined = utility.quarantined;
  if (utility.pinned) view.pinned = true;
  return view;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function experienceRow(experience: CommitExperience, now: number): ExperienceRow {
  return {
    sha: experience.sha,
    kind: experience.kind,
    subject: experience.intent.subject,
    author: experience.author.name,
    time: new Date(experience.commitTime * 1000).toISOString(),
    score: 0,
    why: [],
    files: experience.files.slice(0, ROW_LIST).map((file) => file.path),
    symbols: experience.symbols.slice(0, ROW_LIST).map((symbol) => symbol.name),
    utility: utilityView(experience.utility, now),
    ...(experience.forgotten ? { forgotten: experience.forgotten.at } : {}),
  };
}

export interface MemoryPanelHandlerOptions {
  runs: RunsHandlerOptions;
  skills: SkillHandlerOptions;
  /** Asks the user (a modal the webview cannot answer for them) before a commit is forgotten for good. */
  confirmForget(experience: { sha: string; subject: string }): Promise<boolean>;
  /** The configured embedder, for search's semantic channel (absent: search is lexical and code). */
  embedderOf?: EmbedderLookup;
}

export function memoryPanelHandlers(workspace: () => Promise<Workspace>, options: MemoryPanelHandlerOptions): RequestHandlers {
  const storeDir = async () => (await workspace()).storeDir;
  return {
    ...runsHandlers(storeDir, options.runs),
    ...skillHandlers(storeDir, options.skills),

    async search({ text, filter }) {
      const ws = await workspace();
      const warm = warmMemoryFor(ws.storeDir);
      // Kind is recall's own filter; file and author narrow the ranked hits afterwards.
      const narrowed = filter?.file !== undefined || filter?.author !== undefined;
      const notes: string[] = [];
      const channels = await editorRecallOptions(ws, options.embedderOf, notes);
      const result = await recallInWorkspace(ws, text, { k: narrowed ? FILTERED_CANDIDATES : SEARCH_RESULTS, ...channels, ...(filter?.kind ? { kinds: [filter.kind] } : {}) });
      const hits = new Map(result.experiences.map((hit) => [hit.sha, hit]));
      // Only the shards holding the hits are read (and kept while unchanged), not the whole store.
      const { shas, records } = await memoryBrowserFor(ws.storeDir).narrow(await warm.get(), [...hits.keys()], filter, SEARCH_RESULTS);
      const now = Date.now() / 1000;
      return {
        experiences: shas.map((sha) => {
          const hit = hits.get(sha)!;
          const record = records.get(sha);
          return {
            sha: hit.sha,
            kind: hit.kind,
            subject: hit.subject,
            ...(record ? { author: record.author.name } : {}),
            time: hit.time,
            score: round(hit.score),
            why: hit.why,
            files: hit.files,
            symbols: hit.symbols,
            utility: utilityView(record?.utility ?? { q: 0, helpful: 0, harmful: 0, uses: 0 }, now),
          };
        }),
        files: result.files.map(({ path, score, why }) => ({ path, score: round(score), why })),
        symbols: result.symbols.map(({ path, name, kind, score, why }) => ({ path, name, kind, score: round(score), why })),
        ...(notes.length ? { notes: [...new Set(notes)].slice(0, MAX_NOTES) } : {}),
      };
    },

    async browse({ filter, offset, limit }) {
      const page = await memoryBrowserFor(await storeDir()).page(filter, offset, limit);
      const now = Date.now() / 1000;
      return { experiences: page.experiences.map((e) => experienceRow(e, now)), total: page.total, offset: page.offset };
    },

    // Recall skips quarantined memories, so they need their own list to be restored from.
    async listQuarantined() {
      const now = Date.now() / 1000;
      const { experiences } = await memoryBrowserFor(await storeDir()).quarantined(MAX_QUARANTINED);
      return { experiences: experiences.map((e) => experienceRow(e, now)) };
    },

    async listFixes() {
      const fixes = await readFixes(await storeDir());
      const now = Date.now() / 1000;
      return {
        fixes: fixes.map((fix) => ({
          id: fix.id,
          time: fix.time,
          task: fix.task,
          summary: fix.summary,
          outcome: fix.outcome,
          verified: fix.verified,
          active: fix.active,
          files: fix.files,
          utility: utilityView(fix.utility, now),
        })),
      };
    },

    // One read of the credit log for a whole page of cards or rows, never one per item.
    async creditHistory({ ids }) {
      const histories = await readCreditHistories(await storeDir(), ids);
      return { histories: [...new Set(ids)].flatMap((id) => histories.get(id) ?? []) };
    },

    // Read from git when the card is opened, never for the whole page: a commit memory forgot shows nothing.
    async changeExcerpt({ sha }) {
      const ws = await workspace();
      const record = await memoryBrowserFor(ws.storeDir).record(sha);
      if (!record) throw new CoevolveError('bad-input', `No experience ${sha.slice(0, 10)} in memory.`);
      const none = { hunks: [], omittedLines: 0, sourceCut: false };
      if (record.forgotten || !ws.repository) return none;
      const focus = { paths: [], symbols: record.symbols.map((symbol) => symbol.name) };
      return (await commitExcerpt(ws.root, { sha: record.sha, files: record.files.map((file) => file.path), focus, maxLines: CARD_EXCERPT_LINES })) ?? none;
    },

    async memoryAction({ sha, action }) {
      const dir = await storeDir();
      if (action === 'forget') {
        const record = await memoryBrowserFor(dir).record(sha);
        if (!record) throw new CoevolveError('bad-input', `No experience ${sha.slice(0, 10)} in memory.`);
        if (!(await options.confirmForget({ sha: record.sha, subject: record.intent.subject }))) throw new CoevolveError('cancelled', 'Cancelled.');
        const forgotten = await forgetExperience(dir, record.sha);
        if (!forgotten) throw new CoevolveError('bad-input', `No experience ${sha.slice(0, 10)} in memory.`);
        return { sha, utility: utilityView(forgotten.tombstone.utility, Date.now() / 1000), forgotten: forgotten.tombstone.forgotten!.at };
      }
      const done = action === 'pin' || action === 'unpin' ? await setPinned(dir, sha, action === 'pin') : await setQuarantine(dir, sha, action === 'quarantine');
      if (!done) throw new CoevolveError('bad-input', `No experience ${sha.slice(0, 10)} in memory.`);
      const experience = await memoryBrowserFor(dir).record(sha);
      return { sha, utility: utilityView(experience?.utility ?? { q: 0, helpful: 0, harmful: 0, uses: 0 }, Date.now() / 1000) };
    },
  };
}
