import { formatFindings } from '../core/skills/skillSafety.ts';
import type { VersionStats } from '../core/skills/skillStats.ts';
import type { SkillConfirmation } from './skillHandlers.ts';

// The words of the Skills tab's confirmations (skillConfirm.ts shows them in VS Code's modal). No
// `vscode` here, so tests read what a user would be asked.

/** A modal lists this many findings; the rest are counted (the Skills tab lists them all). */
const SHOWN_FINDINGS = 15;

/** What the modal says: its message, the detail under it and the one button that confirms. */
export function confirmationText(confirmation: SkillConfirmation): { message: string; detail: string; label: string } {
  const { name, version } = confirmation;
  switch (confirmation.action) {
    case 'approve': {
      const { findings } = confirmation;
      if (!findings.length) return { message: `Approve skill "${name}" v${version}?`, detail: 'The safety scan found nothing to review. It becomes active and guides future tasks.', label: 'Approve' };
      const lines = formatFindings(findings.slice(0, SHOWN_FINDINGS)).map((line) => `• ${line.replace(/\s{2,}/g, '  ')}`);
      const more = findings.length > SHOWN_FINDINGS ? [`…and ${findings.length - SHOWN_FINDINGS} more (listed in the Skills tab).`] : [];
      return {
        message: `Approve skill "${name}" v${version} despite ${findings.length} safety finding${findings.length === 1 ? '' : 's'}?`,
        detail: ['The safety scan found what a person should review before this skill is used:', ...lines, ...more, '', 'Approving makes it active: it guides future tasks, and your name is recorded as its approver.'].join('\n'),
        label: 'Approve Anyway',
      };
    }
    case 'disable':
      return { message: `Disable skill "${name}"?`, detail: 'It is kept with its history but never used.', label: 'Disable' };
    case 'rollback': {
      const { from, stats } = confirmation;
      const rates = [stats.current ? `v${from}: ${rate(stats.current)}` : undefined, stats.target ? `v${version}: ${rate(stats.target)}` : undefined].filter(Boolean).join(' · ');
      return {
        message: `Roll skill "${name}" back from v${from} to v${version}?`,
        detail: `v${version} becomes current, byte for byte; v${from} stays stored and can be restored the same way.${rates ? `\nAcceptance so far — ${rates}.` : ''}`,
        label: `Roll Back to v${version}`,
      };
    }
  }
}

function rate(stats: VersionStats): string {
  return stats.uses ? `${stats.accepted}/${stats.uses} accepted` : 'not used yet';
}
