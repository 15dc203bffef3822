import MiniSearch from 'minisearch';
import { TEXT_OPTIONS, tokenize } from '../memory/tokenize.ts';
import type { SkillDocument } from '../skills/skillFile.ts';
import { listSkills, readSkill } from '../skills/skillLibrary.ts';
import { globMatcher } from '../util/glob.ts';
import type { MatchedSkill } from '../agents/memoryContext.ts';
import { readFixes } from './fixExperience.ts';
import type { FixExperience } from './fixExperience.ts';
import { effectiveQ } from './utility.ts';

const MAX_SKILL_BODY = 1_200;

/**
 * Fixes this project accepted before that resemble the task: only active ones (verified and
 * accepted), never quarantined, ranked by BM25 over their task, plan and files, nudged by utility.
 */
export async function matchFixes(storeDir: string, task: string, k = 3): Promise<FixExperience[]> {
  const fixes = (await readFixes(storeDir)).filter((f) => f.active && !f.utility.quarantined);
  if (!fixes.length) return [];
  const search = new MiniSearch<{ id: string; text: string; files: string }>({ fields: ['text', 'files'], storeFields: [], ...TEXT_OPTIONS, searchOptions: { ...TEXT_OPTIONS.searchOptions, combineWith: 'OR' } });
  search.addAll(fixes.map((f) => ({ id: f.id, text: `${f.task} ${f.plan} ${f.summary}`, files: f.files.join(' ') })));
  const byId = new Map(fixes.map((f) => [f.id, f]));
  const now = Date.now() / 1000;
  return search
    .search(task)
    .map((hit) => ({ fix: byId.get(String(hit.id))!, score: hit.score * (1 + 0.5 * effectiveQ(byId.get(String(hit.id))!.utility.q, byId.get(String(hit.id))!.utility.lastUsed, now)) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((h) => h.fix);
}

/**
 * Active skills and mistake notes (plus any `overlay`) whose trigger matches the task: a keyword of the trigger among
 * the task's words, a file pattern matching a file in play, or an error text the task quotes.
 */
export async function matchSkills(storeDir: string, task: string, files: readonly string[] = [], k = 4, overlay: readonly SkillDocument[] = []): Promise<MatchedSkill[]> {
  const words = new Set(tokenize(task));
  const lowered = task.toLowerCase();
  const scored: { doc: SkillDocument; score: number }[] = [];
  const library: SkillDocument[] = [];
  for (const summary of await listSkills(storeDir)) {
    if (summary.status !== 'active' || summary.problem || overlay.some((o) => o.meta.name === summary.name)) continue;
    library.push((await readSkill(storeDir, summary.name)).doc);
  }
  // An overlay (a candidate under evaluation) counts as active and replaces the library's version.
  for (const doc of [...library, ...overlay]) {
    const trigger = doc.meta.trigger ?? {};
    let score = 0;
    for (const keyword of trigger.keywords ?? []) if (tokenize(keyword).every((w) => words.has(w))) score += 1;
    for (const pattern of trigger.files ?? []) {
      const matches = triggerGlob(pattern);
      if (matches && files.some(matches)) score += 1;
    }
    for (const error of trigger.errors ?? []) if (error && lowered.includes(error.toLowerCase())) score += 2;
    if (score > 0) scored.push({ doc, score });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, k).map(({ doc }) => {
    const body = doc.body.trim();
    return { id: doc.meta.name, version: doc.meta.version, kind: doc.meta.kind, title: doc.meta.description, body: body.length > MAX_SKILL_BODY ? `${body.slice(0, MAX_SKILL_BODY)}…` : body };
  });
}

/**
 * A trigger's file pattern as a matcher (`util/glob.ts`'s rules). One that does not compile (edited
 * or imported by hand: the proposer's schema refuses them) matches no file, and the skill can still
 * match by keyword or error; throwing would cost the solve every skill (it reads a failed match as
 * none), and failing the skill file's schema would make the store damaged (exit 3) over one glob.
 */
function triggerGlob(pattern: string): ((path: string) => boolean) | undefined {
  try {
    return globMatcher(pattern);
  } catch {
    return undefined;
  }
}
