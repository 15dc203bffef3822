import type { RecallResult } from '../memory/recall.ts';
import { markUntrusted } from '../memory/untrustedText.ts';
import { estimateTokens } from '../llm/tokenEstimate.ts';

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

/**
 * What memory says about a task, as fallible hints within a token budget: the most relevant files
 * and symbols first (cheap and most useful), then past changes, then skills. Items are added whole
 * until the next would not fit.
 */
export function buildMemoryContext(recall: RecallResult | undefined, skills: MatchedSkill[], budgetTokens = DEFAULT_MEMORY_BUDGET_TOKENS, fixes: MatchedFix[] = []): MemoryContext {
  const sections: { heading: string; items: { text: string; id?: string; file?: string; skill?: string; fix?: string }[] }[] = [
    {
      heading: 'Fixes you accepted in this project before (verified)',
      // How each was shown to work: a fix a test proved weighs more than one that only broke nothing.
      items: fixes.map((f) => ({ text: `- ${f.task.split('\n')[0]!.slice(0, 160)} — ${f.summary.slice(0, 240)} (files: ${f.files.slice(0, 5).join(', ')}; ${f.verification?.evidence === 'proven' ? 'proven by a test' : 'no regressions, not proven'})`, fix: f.id })),
    },
    { heading: 'Files that past changes and the code suggest', items: (recall?.files ?? []).slice(0, 8).map((f) => ({ text: `- ${f.path} (${f.why.slice(0, 2).join('; ')})`, file: f.path })) },
    { heading: 'Symbols', items: (recall?.symbols ?? []).slice(0, 8).map((s) => ({ text: `- ${s.container ? `${s.container}.` : ''}${s.name} (${s.kind}) in ${s.path}` })) },
    {
      heading: 'Past changes',
      items: (recall?.experiences ?? []).slice(0, 6).map((e) => ({
        text: `- ${e.sha.slice(0, 10)} ${e.kind}: ${e.subject} — files: ${e.files.slice(0, 5).join(', ')}${e.symbols.length ? `; symbols: ${e.symbols.slice(0, 5).join(', ')}` : ''}`,
        id: e.id,
      })),
    },
    { heading: 'Skills and mistake notes learned here', items: skills.map((s) => ({ text: `- [${s.kind} ${s.id}@v${s.version}] ${s.title}: ${s.body}`, skill: `${s.id}@v${s.version}` })) },
  ];
  const used = { experienceIds: [] as string[], files: [] as string[], skillIds: [] as string[], fixIds: [] as string[] };
  const lines: string[] = [];
  let truncated = false;
  const cost = (text: string): number => estimateTokens([{ role: 'user', content: text }]);
  for (const section of sections) {
    if (!section.items.length) continue;
    let header = `${section.heading}:`;
    for (const item of section.items) {
      const candidate = [...lines, header, item.text].filter(Boolean).join('\n');
      if (cost(markUntrusted(candidate, 'memory')) > budgetTokens) {
        truncated = true;
        break;
      }
      if (header) lines.push(header);
      header = '';
      lines.push(item.text);
      if (item.id) used.experienceIds.push(item.id);
      if (item.file) used.files.push(item.file);
      if (item.skill) used.skillIds.push(item.skill);
      if (item.fix) used.fixIds.push(item.fix);
    }
  }
  if (!lines.length) return { text: '', tokens: 0, ...used, truncated };
  const text = markUntrusted(lines.join('\n'), 'project memory (mined history; may be stale or wrong)');
  return { text, tokens: cost(text), ...used, truncated };
}
