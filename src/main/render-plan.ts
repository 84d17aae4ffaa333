import type { DeploymentDecision } from '../controllers/fleet/deployment-decision';
import type { FleetRunReport } from './run-fleets';

/** Human output of plan/apply: one table of steps per fleet, then a summary line. */
export function renderPlanTable(r: FleetRunReport, apply: boolean): string {
  const rows = [...r.steps, ...r.pending].map((s, i) => [String(i + 1), s.kind, s.resource, s.reason]);
  const lines: string[] = [];
  const verb = apply ? 'applied' : 'to apply';
  if (rows.length === 0 && !apply && r.decision?.action === 'continue') {
    lines.push(`fleet ${r.fleet}: no other changes while a deployment continues`);
  } else if (rows.length === 0) {
    const explained = r.decision?.action === 'none' && !!r.decision.reason;
    lines.push(`fleet ${r.fleet}: no ${r.deployment ? 'other ' : ''}changes${apply || explained ? '' : ' (in sync with the manifest)'}`);
  } else {
    lines.push(`fleet ${r.fleet}: ${r.steps.length} step${r.steps.length === 1 ? '' : 's'} ${verb}${r.pending.length ? `, ${r.pending.length} pending` : ''}`);
    lines.push(...table([['#', 'KIND', 'RESOURCE', 'REASON'], ...rows]).map((l) => `  ${l}`));
  }
  for (const p of r.pending) {
    if (p.kind === 'startDeployment') lines.push(`  pending: ${p.resource}: ${p.reason}`);
    if (p.kind === 'nameTaken') lines.push(`  blocked: ${p.resource}: ${p.reason}`);
  }
  if (r.deployment) {
    const d = r.deployment;
    const what = [d.kind, d.id, d.toAmi && `to ${d.toAmi}`, d.commit && `(commit ${d.commit.slice(0, 8)})`].filter(Boolean).join(' ');
    lines.push(`  deployment: ${what}: ${d.result}${d.reason ? ` (${d.reason})` : ''}${d.message ? `: ${d.message}` : ''}`);
    if (d.failingInstanceIds?.length) lines.push(`  failing instances: ${d.failingInstanceIds.join(', ')}`);
  }
  const next = r.decision && decisionLine(r.decision);
  if (next) lines.push(`  next deployment: ${next}`);
  if (r.inProgress) lines.push(`  in progress: ${r.inProgress}`);
  if (r.failed) lines.push(`  error: ${r.failed}`);
  lines.push(`  calls: ${r.calls.read} read, ${r.calls.mutating} mutating${apply ? (r.ready ? '; fleet is Ready' : '') : ''}`);
  return lines.join('\n');
}

/** The deployment apply would start or continue, in one line; blocked rollouts print as `blocked:` above. */
export function decisionLine(d: DeploymentDecision): string | undefined {
  switch (d.action) {
    case 'continue':
      return d.reason;
    case 'recoverSwap':
      return `resume the swap from the world: ${d.reason}`;
    case 'bake':
      return `bake commit ${d.commit} (${d.reason})`;
    case 'rollout':
      return `${d.strategy} to ${String(d.step.params.toAmi)}: ${d.reason}`;
    case 'blocked':
      return d.reason;
    default:
      return d.reason;
  }
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}
