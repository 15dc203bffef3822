import { CoevolveError } from '../core/errors.ts';
import { withStoreLock } from '../core/memory/storeLock.ts';
import { listSkills, listVersions, readSkill, rollbackSkill, scanStoredSkill, setSkillStatus } from '../core/skills/skillLibrary.ts';
import type { StoredSkill } from '../core/skills/skillLibrary.ts';
import { secretPlaces, summarizeFindings } from '../core/skills/skillSafety.ts';
import type { SafetyFinding } from '../core/skills/skillSafety.ts';
import type { VersionStats } from '../core/skills/skillStats.ts';
import type { RequestHandlers, SkillRow } from '../protocol/memoryPanel.ts';
import { changedMeanwhile, rollbackEvidence, skillLineage } from './skillLineage.ts';

// The Skills tab's requests, in core terms. No `vscode`: the panel host passes in who approves and
// how the user confirms (a modal in the editor), so tests drive every rule here on a real store.
//
// The rules live here, not in the page: a message from the webview alone changes nothing (every
// action waits for the host's confirmation); approval shows the safety scan's findings first and is
// refused for a skill holding a secret; and what the user confirmed is what gets written (if the
// skill changed while the modal was open, nothing is).

/** What the user is asked to confirm; the host words it. */
export type SkillConfirmation =
  | { action: 'approve'; name: string; version: number; findings: SafetyFinding[] }
  | { action: 'disable'; name: string; version: number }
  | { action: 'rollback'; name: string; version: number; from: number; stats: { target?: VersionStats; current?: VersionStats } };

export interface SkillHandlerOptions {
  /** Who approves: recorded in the skill's front matter (`approvedBy`) and its history. */
  approver: string;
  /** Asks the user; false when they did not confirm. */
  confirmSkill(confirmation: SkillConfirmation): Promise<boolean>;
}

function skillRow(skill: StoredSkill, versions: number[]): SkillRow {
  const { meta } = skill.doc;
  return { name: meta.name, kind: meta.kind, description: meta.description, version: meta.version, versions, status: meta.status };
}

export function skillHandlers(storeDir: () => Promise<string>, options: SkillHandlerOptions): Pick<RequestHandlers, 'listSkills' | 'showSkill' | 'skillLineage' | 'skillAction'> {
  const confirmed = async (confirmation: SkillConfirmation): Promise<void> => {
    if (!(await options.confirmSkill(confirmation))) throw new CoevolveError('cancelled', 'Cancelled.');
  };

  return {
    async listSkills() {
      const skills = await listSkills(await storeDir());
      return { skills: skills.map(({ name, kind, description, version, versions, status, problem }) => ({ name, kind, description, version, versions, status, ...(problem ? { problem } : {}) })) };
    },

    async showSkill({ name, version }) {
      const dir = await storeDir();
      const versions = await listVersions(dir, name);
      const current = await readSkill(dir, name);
      const shown = version === undefined ? current : await readSkill(dir, name, version);
      return { ...skillRow(current, versions), markdown: shown.text, shownVersion: shown.doc.meta.version };
    },

    async skillLineage({ name }) {
      return skillLineage(await storeDir(), name);
    },

    async skillAction({ name, action, version }) {
      const dir = await storeDir();
      const skill = action === 'approve' ? await approve(dir, name, version) : action === 'disable' ? await disable(dir, name) : await rollback(dir, name, version);
      return skillRow(skill, await listVersions(dir, name));
    },
  };

  /**
   * Approval covers one version's exact bytes: the safety scan of the current version is shown in
   * the confirmation, a secret refuses it outright, and the write happens only if the SKILL.md is
   * still what was scanned.
   */
  async function approve(dir: string, name: string, reviewed: number | undefined): Promise<StoredSkill> {
    const { skill, safety } = await scanStoredSkill(dir, name);
    const version = skill.doc.meta.version;
    if (reviewed !== undefined && reviewed !== version) throw new CoevolveError('bad-input', `Skill "${name}" is at v${version} now, not the v${reviewed} you reviewed; nothing was approved.`, { hint: 'Look at the current version, then approve it.' });
    if (safety.hasSecret) {
      throw new CoevolveError('bad-input', `Skill "${name}" v${version} contains a secret (${secretPlaces(safety).join(', ')}); it cannot be approved.`, { hint: 'Remove the value from the skill; it may name an environment variable, never hold its value.' });
    }
    await confirmed({ action: 'approve', name, version, findings: safety.findings });
    return withStoreLock(dir, async () => {
      const now = await scanStoredSkill(dir, name);
      if (now.skill.text !== skill.text) throw changedMeanwhile(name, `v${now.skill.doc.meta.version} is not what you reviewed`);
      const reason = safety.findings.length ? `approved in the memory browser after reviewing ${summarizeFindings(safety.findings)}` : 'approved in the memory browser';
      return setSkillStatus(dir, name, 'active', reason, options.approver);
    });
  }

  async function disable(dir: string, name: string): Promise<StoredSkill> {
    const before = await readSkill(dir, name);
    await confirmed({ action: 'disable', name, version: before.doc.meta.version });
    return withStoreLock(dir, async () => {
      const now = await readSkill(dir, name);
      if (now.doc.meta.version !== before.doc.meta.version) throw changedMeanwhile(name, `v${now.doc.meta.version} is current now`);
      return setSkillStatus(dir, name, 'retired', 'disabled in the memory browser');
    });
  }

  /** To the chosen version (default: the current one's parent), with both versions' acceptance in the confirmation. */
  async function rollback(dir: string, name: string, chosen: number | undefined): Promise<StoredSkill> {
    const current = await readSkill(dir, name);
    const from = current.doc.meta.version;
    const target = chosen ?? current.doc.meta.parent;
    if (!target) throw new CoevolveError('bad-input', `Skill "${name}" is at its first version; there is nothing to roll back to.`);
    if (target === from) throw new CoevolveError('bad-input', `Skill "${name}" is already at v${target}.`);
    if (!(await listVersions(dir, name)).includes(target)) throw new CoevolveError('bad-input', `Skill "${name}" has no version ${target}.`);
    const evidence = await rollbackEvidence(dir, name, [target, from]);
    const stats = { ...(evidence.has(target) ? { target: evidence.get(target)! } : {}), ...(evidence.has(from) ? { current: evidence.get(from)! } : {}) };
    await confirmed({ action: 'rollback', name, version: target, from, stats });
    return withStoreLock(dir, async () => {
      const now = await readSkill(dir, name);
      if (now.doc.meta.version !== from) throw changedMeanwhile(name, `v${now.doc.meta.version} is current now`);
      return rollbackSkill(dir, name, target, `rolled back from v${from} to v${target} in the memory browser`);
    });
  }
}
