import type { Command } from 'commander';
import { storeDirOf, withStoreFlags } from '../storeFlags.ts';
import type { StoreFlags } from '../storeFlags.ts';
import { CoevolveError } from '../../core/errors.ts';
import { readFixes } from '../../core/learning/fixExperience.ts';
import type { HumanOutcome } from '../../core/learning/fixExperience.ts';
import { recordRunOutcome } from '../../core/learning/runOutcome.ts';
import { readCreditHistory } from '../../core/learning/creditLog.ts';
import { effectiveQ, setPinned, setQuarantine } from '../../core/learning/utility.ts';
import type { CommitExperience } from '../../core/memory/experience.ts';
import { MemoryStore } from '../../core/memory/store.ts';
import { forgetExperience } from '../../core/memory/forgetExperience.ts';

const OUTCOMES: Record<string, HumanOutcome> = { accept: 'accepted', accepted: 'accepted', edited: 'edited', reject: 'rejected', rejected: 'rejected' };

/** `coevolve feedback` and `coevolve memory`: what the user decided, and what memory learned from it. */
export function registerLearning(program: Command): void {
  withStoreFlags(
    program
      .command('feedback')
      .description('Record your decision on a solved task (accept, edited, reject): it becomes a fix experience, and the memories it used are credited.')
      .argument('<run-id>', 'the run (printed by `coevolve solve`, a folder under .coevolve/runs)')
      .argument('<decision>', 'accept | edited | reject'),
  ).action(async (runId: string, decision: string, flags: StoreFlags) => {
    const outcome = OUTCOMES[decision];
    if (!outcome) throw new CoevolveError('bad-input', `Unknown decision "${decision}"; use accept, edited or reject.`);
    const record = await recordRunOutcome(await storeDirOf(flags), runId, outcome);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      return;
    }
    process.stdout.write(`Recorded ${runId} as ${outcome}${record.fix.active ? ' (verified: now active guidance)' : record.fix.verified ? '' : ' (not verified: kept as evidence only)'}.\n`);
    process.stdout.write(`Credited ${record.credit.updated.length} memor${record.credit.updated.length === 1 ? 'y' : 'ies'} with ${formatReward(record.reward)}${record.reward === 0.5 ? ' (accepted, but no test proved the change)' : ''}${record.credit.quarantined.length ? `; quarantined ${record.credit.quarantined.length}` : ''}.\n`);
    if (record.creditedSkills.length) process.stdout.write(`Skills it used: ${record.creditedSkills.join(', ')} (${record.reward > 0 ? 'accepted' : 'not accepted'}).\n`);
    for (const back of record.rolledBack) process.stdout.write(`Rolled back ${back.name} from v${back.from} to v${back.to}: ${back.reason}\n`);
  });

  const memory = program.command('memory').description('Inspect what memory learned, and put memories aside.');
  withStoreFlags(memory.command('show').description('Learned utility of memories (most used first), and the recorded fixes.').argument('[id]', 'one experience (sha or prefix)')).action(async (id: string | undefined, flags: StoreFlags) => {
    const dir = await storeDirOf(flags);
    const all = await (await MemoryStore.open(dir)).loadAll();
    const now = Date.now() / 1000;
    const recordedFixes = await readFixes(dir);
    if (!all.length && !recordedFixes.length) throw new CoevolveError('store-empty', `Nothing has been mined into ${dir} yet, and no fix was recorded.`, { hint: 'Run `coevolve mine` first.' });
    const chosen = id ? all.filter((e) => e.sha.startsWith(id.replace(/^commit:/, ''))) : all.filter((e) => e.utility.uses > 0 || e.utility.quarantined || e.utility.pinned).sort((a, b) => b.utility.uses - a.utility.uses);
    if (id && chosen.length !== 1) throw new CoevolveError('bad-input', chosen.length ? `"${id}" matches ${chosen.length} experiences; give more of the sha.` : `No experience "${id}".`);
    const rows = chosen.map((e) => ({ id: e.id, subject: e.forgotten ? `(forgotten ${e.forgotten.at.slice(0, 10)})` : e.intent.subject, q: e.utility.q, effectiveQ: Number(effectiveQ(e.utility.q, e.utility.lastUsed, now).toFixed(3)), helpful: e.utility.helpful, harmful: e.utility.harmful, uses: e.utility.uses, quarantined: e.utility.quarantined ?? null, pinned: e.utility.pinned === true }));
    const fixes = id ? [] : recordedFixes;
    // One memory: its utility over time, credit by credit.
    const history = id ? await readCreditHistory(dir, chosen[0]!.id) : [];
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(id ? { experiences: rows, history } : { experiences: rows, fixes }, null, 2)}\n`);
      return;
    }
    if (!rows.length) process.stdout.write('No memory has been used by a task yet.\n');
    for (const r of rows) process.stdout.write(`${r.id.slice(7, 17)}  Q ${r.effectiveQ.toFixed(2).padStart(5)}  +${r.helpful}/−${r.harmful} of ${r.uses}${r.pinned ? '  PINNED' : ''}${r.quarantined ? `  QUARANTINED (${r.quarantined})` : ''}  ${r.subject}\n`);
    if (id) process.stdout.write(history.length ? `\nCredits:\n${history.map((h) => `  ${new Date(h.at * 1000).toISOString().slice(0, 16).replace('T', ' ')}  ${formatReward(h.reward)}  Q → ${h.q.toFixed(2)}  (+${h.helpful}/−${h.harmful} of ${h.uses})${h.quarantined ? '  quarantined' : ''}`).join('\n')}\n` : '\nNo credit recorded yet.\n');
    if (fixes.length) process.stdout.write(`\nFixes (${fixes.filter((f) => f.active).length} active):\n`);
    for (const f of fixes) {
      const later = f.laterOutcome && f.laterEvidence ? `  (${f.laterOutcome} by ${f.laterEvidence.commit.slice(0, 10)})` : '';
      process.stdout.write(`${f.runId}  ${f.outcome.padEnd(8)} ${f.verified ? 'verified  ' : 'unverified'}  ${f.task.split('\n')[0]!.slice(0, 80)}${later}\n`);
    }
  });
  for (const [name, description, pinned] of [
    ['pin', 'Pin a memory: it ranks as fully useful in every recall, never decays, is never quarantined automatically.', true],
    ['unpin', 'Remove a pin.', false],
  ] as const) {
    withStoreFlags(memory.command(name).description(description).argument('<id>', 'experience sha (or prefix)')).action(async (id: string, flags: StoreFlags) => {
      const dir = await storeDirOf(flags);
      const found = await oneExperience(dir, id);
      await setPinned(dir, found.sha, pinned);
      process.stdout.write(`${found.sha.slice(0, 10)} ${pinned ? 'pinned' : 'unpinned'}: ${found.intent.subject}\n`);
    });
  }
  withStoreFlags(
    memory
      .command('forget')
      .description('Forget a mined commit for good: its message, author, files, symbols, diff summary and score are erased from the store (the commit stays in git), and mining it again keeps it forgotten. Quarantine instead to keep it, unused.')
      .argument('<id>', 'experience sha (or prefix)'),
  ).action(async (id: string, flags: StoreFlags) => {
    const dir = await storeDirOf(flags);
    const found = await oneExperience(dir, id);
    await forgetExperience(dir, found.sha);
    process.stdout.write(`${found.sha.slice(0, 10)} forgotten: "${found.intent.subject}" is no longer in memory (the commit is still in git).\n`);
  });
  for (const [name, description, quarantined] of [
    ['quarantine', 'Keep a memory out of every task (it stays in the store).', true],
    ['restore', 'Bring a quarantined memory back.', false],
  ] as const) {
    withStoreFlags(memory.command(name).description(description).argument('<id>', 'experience sha (or prefix)')).action(async (id: string, flags: StoreFlags) => {
      const dir = await storeDirOf(flags);
      const found = await oneExperience(dir, id);
      await setQuarantine(dir, found.sha, quarantined);
      process.stdout.write(`${found.sha.slice(0, 10)} ${quarantined ? 'quarantined' : 'restored'}: ${found.intent.subject}\n`);
    });
  }
}

/** The one experience a sha (or a prefix of it) names. */
async function oneExperience(dir: string, id: string): Promise<CommitExperience> {
  const matches = (await (await MemoryStore.open(dir)).loadAll()).filter((e) => e.sha.startsWith(id.replace(/^commit:/, '')));
  if (matches.length !== 1) throw new CoevolveError('bad-input', matches.length ? `"${id}" matches ${matches.length} experiences; give more of the sha.` : `No experience "${id}".`);
  return matches[0]!;
}

function formatReward(reward: number): string {
  return reward > 0 ? `+${reward}` : `−${-reward}`;
}
