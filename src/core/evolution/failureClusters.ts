import type { FailedRun, FailureRecord } from './failureRecords.ts';
import { failureSignature, signatureId } from './failureSignature.ts';
import type { FailureSignature } from './failureSignature.ts';

/** Failures of one signature across runs: what one skill or mistake note could address. */
export interface FailureCluster {
  id: string;
  signature: Pick<FailureSignature, 'errorType' | 'template' | 'key'>;
  failures: FailureRecord[];
  /** The runs it occurred in, newest first (each is a task the gate can replay). */
  runs: FailedRun[];
  tests: string[];
  areas: string[];
  /** Runs that still failed at the end, not just in a round the rectifier then fixed. */
  unresolvedRuns: number;
}

/**
 * Groups failures by signature (error type + message template), keeping the tests and areas seen.
 * A cluster needs `minRuns` distinct runs: one run's failure is an anecdote, not a pattern.
 * Ordered by how many runs it spoils, unresolved ones first.
 */
export function clusterFailures(runs: readonly FailedRun[], options: { minRuns?: number } = {}): FailureCluster[] {
  const byKey = new Map<string, { signature: FailureSignature; failures: FailureRecord[]; signatures: FailureSignature[]; runs: Map<string, FailedRun> }>();
  for (const run of runs) {
    for (const failure of run.failures) {
      const signature = failureSignature(failure);
      let group = byKey.get(signature.key);
      if (!group) byKey.set(signature.key, (group = { signature, failures: [], signatures: [], runs: new Map() }));
      group.failures.push(failure);
      group.signatures.push(signature);
      group.runs.set(run.runId, run);
    }
  }
  const clusters: FailureCluster[] = [];
  for (const [key, group] of byKey) {
    if (group.runs.size < (options.minRuns ?? 2)) continue;
    const signatures = group.signatures;
    const clusterRuns = [...group.runs.values()].sort((a, b) => b.runId.localeCompare(a.runId));
    clusters.push({
      id: signatureId(key),
      signature: { errorType: group.signature.errorType, template: group.signature.template, key },
      failures: group.failures,
      runs: clusterRuns,
      tests: [...new Set(signatures.flatMap((s) => (s.test ? [s.test] : [])))].slice(0, 20),
      areas: [...new Set(signatures.flatMap((s) => (s.area ? [s.area] : [])))].slice(0, 20),
      unresolvedRuns: clusterRuns.filter((r) => r.status !== 'passed').length,
    });
  }
  return clusters.sort((a, b) => b.unresolvedRuns - a.unresolvedRuns || b.runs.length - a.runs.length || a.id.localeCompare(b.id));
}
