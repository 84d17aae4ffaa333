/**
 * Events for a canary's analysis, from two successive deployment statuses: a failed analysis
 * (`AnalysisFailed: check 5xx-rate: green 30 > max 1 (2 failures > limit 1)`), one that turned
 * inconclusive, and one that passed a new weight step. Passes during a pause are not repeated. Pure.
 */
import type { DeploymentStatus, FleetEvent } from '../../model/fleet-status';

type NewEvent = Omit<FleetEvent, 'at' | 'fleet'>;

function where(d: DeploymentStatus): string {
  const c = d.canary!;
  return `canary step ${c.analysedAt?.step ?? c.step} of ${c.steps}, weight ${c.analysedAt?.weight ?? c.weight} %`;
}

export function analysisEvents(prev: DeploymentStatus | undefined, d: DeploymentStatus): NewEvent[] {
  const now = d.canary;
  if (!now?.verdict || !now.analysedAt) return [];
  const before = prev?.id === d.id ? prev.canary : undefined;
  const same = before?.verdict === now.verdict && before.analysedAt?.step === now.analysedAt.step;
  if (same && (before?.analyses ?? 0) >= (now.analyses ?? 0)) return [];
  const checks = now.analysis ?? [];
  if (now.verdict === 'fail') {
    const failing = checks.filter((c) => c.verdict === 'fail').map((c) => `check ${c.name}: ${c.message}`);
    return [{ type: 'Warning', reason: 'AnalysisFailed', message: `${failing.join('; ') || 'verdict fail'} (${where(d)})` }];
  }
  if (same) return [];
  if (now.verdict === 'inconclusive') {
    const open = checks.filter((c) => c.verdict !== 'pass').map((c) => `check ${c.name}: ${c.message}`);
    return [{ type: 'Normal', reason: 'AnalysisInconclusive', message: `${open.join('; ') || 'no data yet'} (${where(d)})` }];
  }
  return [{ type: 'Normal', reason: 'AnalysisPassed', message: `${checks.map((c) => `${c.name}: ${c.message}`).join('; ') || 'no checks'} (${where(d)})` }];
}
