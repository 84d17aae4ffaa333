/**
 * What the end of a deployment changes: the controller's memory (which image is meant to
 * run, which one failed) and the fleet's status (the final deployment, history, an event).
 * Idempotent: a crash after the machine ended replays this on the next start.
 */
import { analysisEvents } from './analysis-events';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import type { DesiredFleet } from '../../model/fleet';
import { appendEvent, type DeploymentStatus, type FleetStatus } from '../../model/fleet-status';
import type { StatusStore } from '../../status/status-store';
import type { FinishedDeployment } from '../../deploy/runner';
import { deploymentStatus } from './deployment-status';
import { specHash, type FleetMemory, type FleetMemoryStore } from './fleet-memory';

const HISTORY_CAP = 20;

export async function finishDeployment(
  memory: FleetMemoryStore,
  statuses: StatusStore,
  fleet: DesiredFleet,
  done: FinishedDeployment,
  now: Date,
  logger: Logger,
): Promise<void> {
  await memory.update(fleet.name, (m) => remember(m, fleet, done, now));
  let final: DeploymentStatus | undefined;
  await statuses.update(fleet.name, (prev) => {
    final = finalStatus(prev, done, now);
    return prev ? withFinished(prev, fleet, done, final, now) : undefined;
  });
  if (final) logger.info({ event: EVENTS.deployFinished, fleet: fleet.name, kind: done.kind, id: done.id, result: final.result, reason: final.reason }, final.message ?? final.result);
}

function finalStatus(prev: FleetStatus | undefined, done: FinishedDeployment, now: Date): DeploymentStatus {
  const last = prev?.deployment?.id === done.id ? prev.deployment : undefined;
  const view = { id: done.id, kind: done.kind, startedAt: done.startedAt, input: done.input, phase: done.phase, context: contextOf(done) };
  const final: DeploymentStatus = { ...deploymentStatus(view, undefined, now, last), ...(last?.blue ? { blue: last.blue } : {}), ...(last?.green ? { green: last.green } : {}) };
  if (done.result.status === 'error') Object.assign(final, { result: 'Failed', reason: 'DeploymentError', message: done.result.error ?? final.message });
  return final;
}

function withFinished(prev: FleetStatus, fleet: DesiredFleet, done: FinishedDeployment, final: DeploymentStatus, now: Date): FleetStatus {
  const last = prev.deployment?.id === done.id ? prev.deployment : undefined;
  const event = {
    at: now.toISOString(),
    fleet: fleet.name,
    type: final.result === 'Succeeded' ? ('Normal' as const) : ('Warning' as const),
    reason: `${capital(done.kind)}${final.result}`,
    message: [final.message, final.failingInstanceIds?.length ? `failing instances: ${final.failingInstanceIds.join(', ')}` : ''].filter(Boolean).join('; '),
  };
  const history = [final, ...prev.history.filter((h) => h.id !== final.id)].slice(0, HISTORY_CAP);
  // A failed analysis the last sample did not show yet gets its own event before the rollout's.
  const analysis = analysisEvents(last, final).map((e) => ({ ...e, at: now.toISOString(), fleet: fleet.name }));
  const withAnalysis = analysis.reduce<FleetStatus>((st, e) => appendEvent(st, e), { ...prev, deployment: final, history, updatedAt: now.toISOString() });
  return appendEvent(withAnalysis, event);
}

function remember(m: FleetMemory, fleet: DesiredFleet, done: FinishedDeployment, now: Date): FleetMemory {
  const out = (done.result.output ?? {}) as { status?: string; imageId?: string; reason?: string; message?: string };
  const input = done.input;
  const pinnedAmi = fleet.image.ami;
  if (done.kind === 'bake') {
    const pendingBake = m.pendingBake?.commit === String(input.commit) ? undefined : m.pendingBake;
    if (out.status !== 'succeeded' || !out.imageId) return { ...m, pendingBake };
    return { ...m, pendingBake, target: { ami: out.imageId, commit: String(input.commit), bake: done.id, ...(pinnedAmi ? { pinnedAmi } : {}) } };
  }
  const ami = String(input.amiId ?? m.target?.ami ?? '');
  const target = m.target?.ami === ami ? undefined : m.target;
  if (out.status === 'succeeded') {
    const commit = input.commit ? String(input.commit) : m.target?.ami === ami ? m.target.commit : undefined;
    const bake = m.target?.ami === ami ? m.target.bake : undefined;
    return { ...m, target, deployed: { ami, ...(commit ? { commit } : {}), ...(bake ? { bake } : {}), ...(pinnedAmi ? { pinnedAmi } : {}) } };
  }
  return withFailure(m, fleet, ami, { reason: out.reason ?? 'Failed', message: out.message ?? done.result.error ?? 'deployment failed' }, now);
}

/** `ami` failed under this spec: it is no longer the target and is not rolled out again. */
export function withFailure(m: FleetMemory, fleet: DesiredFleet, ami: string, why: { reason: string; message: string }, now: Date): FleetMemory {
  const target = m.target?.ami === ami ? undefined : m.target;
  const failure = { ami, specHash: specHash(fleet), reason: why.reason, message: why.message, at: now.toISOString() };
  return { ...m, target, failed: [...m.failed.filter((f) => f.ami !== ami), failure].slice(-20) };
}

function contextOf(done: FinishedDeployment): Record<string, unknown> | undefined {
  return (done.result.snapshot as { context?: Record<string, unknown> } | undefined)?.context;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
