import type { SolveEvent } from '../core/agents/events.ts';

/** The team's progress as plain lines on stderr: the plan, each tool call, each check. */
export function printSolveEvent(event: SolveEvent, out: NodeJS.WritableStream = process.stderr): void {
  const line = (text: string): void => void out.write(`${text}\n`);
  switch (event.type) {
    case 'stage': {
      const labels: Record<typeof event.stage, string> = {
        memory: 'Recalling project memory',
        sandbox: 'Opening a sandbox (your files stay untouched)',
        baseline: 'Running the checks before any change',
        plan: 'Planning',
        implement: `Round ${event.round}: implementing`,
        verify: `Round ${event.round}: verifying`,
        rectify: `Round ${event.round}: diagnosing the failure`,
        done: 'Done',
      };
      line(`▸ ${labels[event.stage]}${event.detail ? ` — ${event.detail}` : ''}`);
      return;
    }
    case 'checks':
      line(event.checks.length ? `  checks: ${event.checks.map((c) => `${c.id} (${c.command})`).join(', ')}` : '  no checks found');
      for (const note of event.notes) line(`  note: ${note}`);
      return;
    case 'check':
      line(`  ${event.phase === 'before' ? 'before' : 'after '} ${event.id}: ${event.status}${event.failures ? `, ${event.failures} failure${event.failures === 1 ? '' : 's'}` : ''} (${(event.durationMs / 1000).toFixed(1)} s)`);
      return;
    case 'plan':
      line(`  plan: ${event.plan.summary}`);
      event.plan.steps.forEach((step, i) => line(`    ${i + 1}. ${step.description}`));
      line(`  team: generator ${event.team.generator}, implementer ${event.team.implementer}, rectifier ${event.team.rectifier}; up to ${event.plan.team.rounds} rounds, ${event.plan.team.tokenBudget} tokens`);
      return;
    case 'tool':
      line(`  ${event.ok ? '·' : '✗'} ${event.name} ${event.detail}`);
      return;
    case 'verdict': {
      if (event.ok) return line(`  ${event.evidence === 'proven' ? '✓' : '~'} ${event.text.split('\n')[0]}`);
      // Which tests the change broke, where, and why, before the rectifier says what it makes of it.
      const [headline, ...details] = event.text.split('\n').filter((text) => text.trim() !== '');
      line(`  checks fail — ${headline}`);
      for (const detail of details) line(`  ${detail}`);
      return;
    }
    case 'diagnosis':
      line(`  rectifier (${event.trigger === 'budget' ? 'over budget' : 'checks failed'}): ${event.strategy} — ${event.rootCause}`);
      return;
    case 'note':
      line(`  note: ${event.text}`);
      return;
  }
}
