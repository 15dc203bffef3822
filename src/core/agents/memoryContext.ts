import type { RecallResult } from '../memory/recall.ts';
import { markUntrusted } from '../memory/untrustedText.ts';
import { estimateTokens } from '../llm/tokenEstimate.ts';
import { renderExcerpt, storedPatchExcerpt } from '../memory/changeHunks.ts';
import type { ChangeExcerpt, HunkFocus } from '../memory/changeHunks.ts';
import { commitExcerpt } from '../memory/commitExcerpt.ts';

export const DEFAULT_MEMORY_BUDGET_TOKENS = 2_000;

/** A skill or mistake note whose trigger matched the task (the co-evolution work fills these). */
export interface MatchedSkill {
  id: string;
  version: number;
  kind: 'skill' | 'mistake';
  title: string;
  body: string;
}

/** An earlier task this project solved and accepted (an active FixExperience). */
export interface MatchedFix {
  id: string;
  task: string;
  summary: string;
  files: string[];
  /** `evidence`: proven, or no-regressions (absent on fixes recorded before it existed). */
  verification?: { evidence?: string };
  /** The fix's patch as stored with it (bounded and redacted when it was recorded): its hunks are shown. */
  patchSummary?: string;
}

export interface MemoryContext {
  /** Ready for a prompt: wrapped as untrusted data, within the budget. */
  text: string;
  tokens: number;
  /** What was included, for the trajectory (which memories the run used, for later credit). */
  experienceIds: string[];
  files: string[];
  skillIds: string[];
  fixIds: string[];
  truncated: boolean;
}

/** The code of the past changes shown, by experience id (see {@link pastChangeCode}). */
export type PastChangeCode = ReadonlyMap<string, ChangeExcerpt>;

/** How many past changes get their code read and shown: the top ones; the rest keep their one line. */
export const CODE_FOR_TOP_CHANGES = 3;
/** At most this share of the budget is kept back for code, and only when there is code to show. */
const CODE_SHARE = 0.4;
/** A cut excerpt shows at least this many lines, else none: a header and a line or two say nothing. */
const MIN_CODE_LINES = 4;
const LABEL = 'project memory (mined history; may be stale or wrong)';

interface Item {
  text: string;
  id?: string;
  file?: string;
  skill?: string;
  fix?: string;
  code?: string[];
}

/** The files and symbols a task is about, as memory and the task see them: where hunks are chosen from. */
export function taskFocus(recall: RecallResult | undefined, taskFiles: readonly string[] = []): HunkFocus {
  return {
    paths: [...new Set([...taskFiles, ...(recall?.files ?? []).slice(0, 8).map((f) => f.path)])],
    symbols: [...new Set((recall?.symbols ?? []).slice(0, 8).map((s) => s.name))],
  };
}

/**
 * Reads the code of the top past changes from git (bounded and redacted: memory/commitExcerpt.ts),
 * one at a time so a solve starts no burst of processes. A forgotten commit is never read.
 */
export async function pastChangeCode(root: string, recall: RecallResult | undefined, options: { taskFiles?: readonly string[]; forgotten?: ReadonlySet<string>; signal?: AbortSignal } = {}): Promise<PastChangeCode> {
  const code = new Map<string, ChangeExcerpt>();
  const focus = taskFocus(recall, options.taskFiles);
  for (const e of (recall?.experiences ?? []).slice(0, CODE_FOR_TOP_CHANGES)) {
    if (options.forgotten?.has(e.sha)) continue;
    const excerpt = await commitExcerpt(root, { sha: e.sha, files: e.files, focus: { paths: focus.paths, symbols: [...focus.symbols, ...e.symbols.map((s) => s.slice(s.lastIndexOf('.') + 1))] }, ...(options.signal ? { signal: options.signal } : {}) });
    if (excerpt) code.set(e.id, excerpt);
  }
  return code;
}

/**
 * What memory says about a task, as fallible hints within a token budget: the most relevant files
 * and symbols first (cheap and most useful), then past changes, then skills. Items are added whole
 * until the next would not fit. Then the code of accepted fixes and of the top past changes goes
 * under its item, cut to what is left (a share of the budget is kept back for it when there is code).
 */
export function buildMemoryContext(recall: RecallResult | undefined, skills: MatchedSkill[], budgetTokens = DEFAULT_MEMORY_BUDGET_TOKENS, fixes: MatchedFix[] = [], code: PastChangeCode = new Map(), taskFiles: readonly string[] = []): MemoryContext {
  const focus = taskFocus(recall, taskFiles);
  const fixCode = (f: MatchedFix): string[] | undefined => {
    const excerpt = f.patchSummary ? storedPatchExcerpt(f.patchSummary, focus) : undefined;
    return excerpt ? renderExcerpt(excerpt) : undefined;
  };
  const sections: { heading: string; items: Item[] }[] = [
    {
      heading: 'Fixes you accepted in this project before (verified)',
      // How each was shown to work: a fix a test proved weighs more than one that only broke nothing.
      items: fixes.map((f) => withCode({ text: `- ${f.task.split('\n')[0]!.slice(0, 160)} — ${f.summary.slice(0, 240)} (files: ${f.files.slice(0, 5).join(', ')}; ${f.verification?.evidence === 'proven' ? 'proven by a test' : 'no regressions, not proven'})`, fix: f.id }, fixCode(f))),
    },
    { heading: 'Files that past changes and the code suggest', items: (recall?.files ?? []).slice(0, 8).map((f) => ({ text: `- ${f.path} (${f.why.slice(0, 2).join('; ')})`, file: f.path })) },
    { heading: 'Symbols', items: (recall?.symbols ?? []).slice(0, 8).map((s) => ({ text: `- ${s.container ? `${s.container}.` : ''}${s.name} (${s.kind}) in ${s.path}` })) },
    {
      heading: 'Past changes',
      items: (recall?.experiences ?? []).slice(0, 6).map((e) => {
        const excerpt = code.get(e.id);
        return withCode({ text: `- ${e.sha.slice(0, 10)} ${e.kind}: ${e.subject} — files: ${e.files.slice(0, 5).join(', ')}${e.symbols.length ? `; symbols: ${e.symbols.slice(0, 5).join(', ')}` : ''}`, id: e.id }, excerpt ? renderExcerpt(excerpt) : undefined);
      }),
    },
    { heading: 'Skills and mistake notes learned here', items: skills.map((s) => ({ text: `- [${s.kind} ${s.id}@v${s.version}] ${s.title}: ${s.body}`, skill: `${s.id}@v${s.version}` })) },
  ];
  const cost = (text: string): number => estimateTokens([{ role: 'user', content: text }]);
  const measure = (shown: Shown): number => cost(markUntrusted(render(shown), LABEL));
  const wanted = sections.flatMap((s) => s.items).reduce((sum, item) => sum + (item.code ? cost(item.code.join('\n')) : 0), 0);
  // Kept back for code only when there is code: with none, everything fits as it always did.
  const reserve = Math.min(Math.floor(budgetTokens * CODE_SHARE), wanted);
  const shown: Shown = [];
  let truncated = false;
  for (const section of sections) {
    if (!section.items.length) continue;
    const entry = { heading: section.heading, items: [] as { item: Item; code: string[] }[] };
    for (const item of section.items) {
      const candidate = [...shown, { ...entry, items: [...entry.items, { item, code: [] }] }];
      if (measure(candidate) > budgetTokens - reserve) {
        truncated = true;
        break;
      }
      entry.items.push({ item, code: [] });
    }
    if (entry.items.length) shown.push(entry);
  }
  // The code, in the items' order (accepted fixes first), each cut to what is left of the budget.
  for (const entry of shown) {
    for (const slot of entry.items) {
      const lines = slot.item.code;
      if (!lines) continue;
      slot.code = lines;
      if (measure(shown) <= budgetTokens) continue;
      truncated = true;
      slot.code = [];
      const fit = largestFit(lines.length, (n) => {
        slot.code = [...lines.slice(0, n), budgetMarker(lines, n)];
        return measure(shown) <= budgetTokens;
      });
      slot.code = fit >= MIN_CODE_LINES ? [...lines.slice(0, fit), budgetMarker(lines, fit)] : [];
    }
  }
  const used = { experienceIds: [] as string[], files: [] as string[], skillIds: [] as string[], fixIds: [] as string[] };
  for (const { item } of shown.flatMap((s) => s.items)) {
    if (item.id) used.experienceIds.push(item.id);
    if (item.file) used.files.push(item.file);
    if (item.skill) used.skillIds.push(item.skill);
    if (item.fix) used.fixIds.push(item.fix);
  }
  if (!shown.length) return { text: '', tokens: 0, ...used, truncated };
  const text = markUntrusted(render(shown), LABEL);
  return { text, tokens: cost(text), ...used, truncated };
}

type Shown = { heading: string; items: { item: Item; code: string[] }[] }[];

function withCode(item: Item, code: string[] | undefined): Item {
  return code?.length ? { ...item, code } : item;
}

function render(shown: Shown): string {
  return shown.flatMap((s) => [`${s.heading}:`, ...s.items.flatMap(({ item, code }) => [item.text, ...code])]).join('\n');
}

function budgetMarker(lines: readonly string[], shown: number): string {
  return `    … [${lines.length - shown} more lines of this change cut to fit the memory budget]`;
}

/** The largest n in [0, max] for which `fits(n)` holds, given that it holds for every smaller n. */
function largestFit(max: number, fits: (n: number) => boolean): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}
