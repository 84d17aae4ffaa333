/**
 * The status write path: after each reconcile pass, fold what happened into the fleet's
 * status. `nextFleetStatus` is pure: conditions keep their lastTransitionTime unless their
 * status changes, and events are appended only when something happened.
 */
import { analysisEvents } from './analysis-events';
import type { DesiredFleet } from '../../model/fleet';
import { appendEvent, derivePhase, type DeploymentStatus, type FleetEvent, type FleetStatus } from '../../model/fleet-status';
import { setCondition, type Condition } from '../../model/status';
import type { StatusStore } from '../../status/status-store';
import type { ConvergeResult } from './converge';
import { failingInstanceIds, observedSummary, servingAmi, specSummary } from './status-summary';

/** Deployments kept in `history`, newest first. */
export const HISTORY_CAP = 20;
const CONDITION_ORDER = ['ManifestValid', 'Ready', 'Progressing', 'Degraded'];

type Verdict = Omit<Condition, 'type' | 'lastTransitionTime'>;

export function pascalCase(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function withIds(message: string, ids: string[] | undefined): string {
  return ids?.length ? `${message}; failing instances: ${ids.join(', ')}` : message;
}

function progressing(result: ConvergeResult, d: DeploymentStatus | undefined): Verdict {
  const yes = (reason: string, message: string): Verdict => ({ status: 'True', reason, message });
  if (d?.result === 'InProgress') return yes('DeploymentInProgress', `${d.kind} ${d.id}: ${d.phase}`);
  if (result.failed) return { status: 'False', reason: 'ReconcileFailed', message: 'stopped on a failure (see Degraded)' };
  if (result.applied.length) {
    return yes('StepsApplied', `applied ${result.applied.length} step(s): ${result.applied.map((a) => a.step.kind).join(', ')}`);
  }
  if (result.waiting) return yes('WaitingForDependency', result.waiting.reason);
  if (result.readiness.reason === 'LaunchFailed') return { status: 'False', reason: 'LaunchFailed', message: 'instances cannot launch (see Degraded)' };
  if (!result.readiness.ready) return yes(result.readiness.reason, result.readiness.message);
  return { status: 'False', reason: 'Converged', message: 'nothing left to change' };
}

function degraded(result: ConvergeResult, d: DeploymentStatus | undefined): Verdict {
  if (result.failed) {
    const code = result.failed.error.code;
    const reason = code === 'ScaleToZeroRefused' ? code : result.readiness.ready ? 'ReconcileFailed' : result.readiness.reason;
    return { status: 'True', reason, message: withIds(result.failed.error.message, failingInstanceIds(result.observed)) };
  }
  if (d && (d.result === 'RolledBack' || d.result === 'Failed')) {
    const verb = d.result === 'RolledBack' ? 'rolled back' : 'failed';
    const reason = d.reason ?? (d.result === 'RolledBack' ? 'DeploymentRolledBack' : 'DeploymentFailed');
    const message = `${d.kind} ${d.id} ${verb}${d.message ? `: ${d.message}` : ''}`;
    return { status: 'True', reason, message: withIds(message, d.failingInstanceIds) };
  }
  if (result.readiness.reason === 'LaunchFailed') return { status: 'True', reason: 'LaunchFailed', message: result.readiness.message };
  return { status: 'False', reason: 'AsExpected', message: 'no failures' };
}

function manifestVerdict(desired: DesiredFleet): Verdict {
  const issue = desired.manifestIssue;
  if (issue) return { status: 'False', reason: issue.reason, message: `${issue.message}; running on the last good spec from ${desired.source.file}` };
  return { status: 'True', reason: 'Valid', message: `manifest ${desired.source.file} is valid` };
}

function nextConditions(prev: Condition[], desired: DesiredFleet, result: ConvergeResult, d: DeploymentStatus | undefined, now: Date): Condition[] {
  const r = result.readiness;
  const verdicts: Array<[string, Verdict]> = [
    ['ManifestValid', manifestVerdict(desired)],
    ['Ready', { status: r.ready ? 'True' : 'False', reason: r.reason, message: r.message }],
    ['Progressing', progressing(result, d)],
    ['Degraded', degraded(result, d)],
  ];
  const next = verdicts.reduce((conds, [type, v]) => setCondition(conds, { type, ...v }, now), prev);
  const rank = (t: string) => (CONDITION_ORDER.includes(t) ? CONDITION_ORDER.indexOf(t) : CONDITION_ORDER.length);
  return [...next].sort((a, b) => rank(a.type) - rank(b.type));
}

function deploymentEvent(prev: DeploymentStatus | undefined, d: DeploymentStatus): Omit<FleetEvent, 'at' | 'fleet'> | undefined {
  const kind = pascalCase(d.kind);
  const isNew = prev?.id !== d.id;
  if (d.result === 'InProgress') {
    if (isNew) return { type: 'Normal', reason: `${kind}Started`, message: `${d.kind} ${d.id} started${d.toAmi ? ` (to ${d.toAmi})` : ''}` };
    if (prev?.phase === d.phase) return undefined;
    return { type: 'Normal', reason: pascalCase(d.phase), message: `${d.kind} ${d.id}: ${d.message ?? d.phase}` };
  }
  if (!isNew && prev?.result === d.result) return undefined;
  const type = d.result === 'Succeeded' ? 'Normal' : 'Warning';
  const detail = d.message ?? d.reason;
  return { type, reason: `${kind}${d.result}`, message: withIds(`${d.kind} ${d.id}: ${d.result}${detail ? ` (${detail})` : ''}`, d.failingInstanceIds) };
}

type NewEvent = Omit<FleetEvent, 'at' | 'fleet'>;

function newEvents(prev: FleetStatus | undefined, next: FleetStatus, result: ConvergeResult, d: DeploymentStatus | undefined): NewEvent[] {
  const events: NewEvent[] = result.applied.map(({ step }) => ({ type: 'Normal', reason: pascalCase(step.kind), message: `${step.resource}: ${step.reason}` }));
  const degradedNow = next.conditions.find((c) => c.type === 'Degraded');
  if (result.failed && degradedNow) events.push({ type: 'Warning', reason: degradedNow.reason, message: result.failed.error.message });
  const dep = d ? deploymentEvent(prev?.deployment, d) : undefined;
  if (d) events.push(...analysisEvents(prev?.deployment, d));
  if (dep) events.push(dep);
  const manifest = next.conditions.find((c) => c.type === 'ManifestValid');
  const manifestBefore = prev?.conditions.find((c) => c.type === 'ManifestValid');
  if (manifest && (manifest.reason !== manifestBefore?.reason || manifest.message !== manifestBefore.message) && (manifest.status === 'False' || manifestBefore?.status === 'False')) {
    events.push(manifest.status === 'False' ? { type: 'Warning', reason: manifest.reason, message: manifest.message } : { type: 'Normal', reason: 'ManifestValid', message: manifest.message });
  }
  const wasReady = prev?.conditions.find((c) => c.type === 'Ready')?.status === 'True';
  const r = result.readiness;
  if (r.ready && !wasReady) events.push({ type: 'Normal', reason: 'Ready', message: r.message });
  if (!r.ready && wasReady) events.push({ type: 'Warning', reason: 'NotReady', message: `${r.reason}: ${r.message}` });
  return events;
}

function nextHistory(prev: DeploymentStatus[], d: DeploymentStatus | undefined): DeploymentStatus[] {
  if (!d) return prev;
  return [d, ...prev.filter((h) => h.id !== d.id)].slice(0, HISTORY_CAP);
}

/**
 * The fleet's status after one reconcile pass. `deployment` is the current (or last)
 * deployment when the caller knows it; without it the previous one is kept. When observing
 * failed, the previous observed summary is kept and only the conditions move.
 */
export function nextFleetStatus(
  prev: FleetStatus | undefined,
  desired: DesiredFleet,
  result: ConvergeResult,
  now: Date,
  deployment?: DeploymentStatus,
): FleetStatus {
  const at = now.toISOString();
  const current = deployment ?? prev?.deployment;
  const blind = result.readiness.reason === 'ObserveFailed';
  const conditions = nextConditions(prev?.conditions ?? [], desired, result, current, now);
  const ami = blind ? prev?.ami : servingAmi(desired, result.observed);
  const commit = current?.result === 'Succeeded' && current.commit && current.toAmi === ami ? current.commit : prev?.commit;
  const observedAt = blind ? prev?.observedAt : at;
  const base: FleetStatus = {
    name: desired.name,
    spec: specSummary(desired),
    observed: blind && prev ? prev.observed : observedSummary(desired, result.observed, current),
    ...(ami ? { ami } : {}),
    ...(commit ? { commit } : {}),
    ready: { inService: result.readiness.inService, desired: result.readiness.desired },
    phase: derivePhase(conditions),
    conditions,
    ...(current ? { deployment: current } : {}),
    history: nextHistory(prev?.history ?? [], deployment),
    events: prev?.events ?? [],
    createdAt: prev?.createdAt ?? at,
    updatedAt: at,
    ...(observedAt ? { observedAt } : {}),
  };
  return newEvents(prev, base, result, deployment).reduce((s, e) => appendEvent(s, { ...e, at, fleet: desired.name }), base);
}

/** Read the previous status, fold the pass into it, save it. Returns what was saved. */
export async function writeFleetStatus(store: StatusStore, desired: DesiredFleet, result: ConvergeResult, now: Date, deployment?: DeploymentStatus): Promise<FleetStatus> {
  const next = await store.update(desired.name, (prev) => nextFleetStatus(prev, desired, result, now, deployment));
  return next ?? nextFleetStatus(undefined, desired, result, now, deployment);
}
