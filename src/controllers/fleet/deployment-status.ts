/**
 * The status view of a deployment: phase and result from its snapshot, blue/green counts
 * from the observed world, and a capacity timeline sampled on every reconcile. Pure.
 */
import { CUT_OVER_STEPS, type PhaseDescription } from '../../deploy/machines/phase';
import type { CanaryProgress, DeploymentStatus, DeploymentSide, TimelinePoint } from '../../model/fleet-status';
import type { ObservedFleet } from '../../model/observed';
import { groupName } from '../../model/names';
import type { CanaryCheck, CanaryVerdict } from '../../model/deploy-io';
import { loadBalancerInstances } from '../../model/target-groups';

const TIMELINE_CAP = 400;

export interface DeploymentView {
  id: string;
  kind: 'bake' | 'swap' | 'rolling' | 'canary';
  startedAt: string;
  input: Record<string, unknown>;
  phase: PhaseDescription;
  /** Context of the last snapshot (failing ids, counts). */
  context?: Record<string, unknown>;
}

export function deploymentStatus(view: DeploymentView, observed: ObservedFleet | undefined, now: Date, prev?: DeploymentStatus): DeploymentStatus {
  const { input, phase } = view;
  const result = resultOf(phase);
  const sides = view.kind === 'swap' || view.kind === 'canary' ? swapSides(input, observed) : {};
  const failing = (view.context?.rollback as { failingInstanceIds?: string[] } | undefined)?.failingInstanceIds;
  const status: DeploymentStatus = {
    id: view.id,
    kind: view.kind,
    fleet: String(input.fleet ?? ''),
    ...(typeof input.generation === 'number' ? { generation: input.generation } : {}),
    ...(input.fromAmi ? { fromAmi: String(input.fromAmi) } : {}),
    ...(input.amiId ? { toAmi: String(input.amiId) } : view.context?.imageId ? { toAmi: String(view.context.imageId) } : {}),
    ...(input.commit ? { commit: String(input.commit) } : {}),
    phase: phase.phase === 'unknown' ? 'starting' : phase.phase,
    result,
    ...(phase.reason ? { reason: phase.reason } : {}),
    message: phase.phase === 'unknown' ? `starting ${view.kind}` : phase.message,
    ...(failing?.length ? { failingInstanceIds: failing } : {}),
    startedAt: view.startedAt,
    ...(result !== 'InProgress' ? { finishedAt: prev?.finishedAt ?? now.toISOString() } : {}),
    ...timeoutAt(view, input),
    ...sides,
    ...(view.kind === 'canary' && view.context ? { canary: canaryProgress(view.context, input) } : {}),
  };
  const prevTimeline = prev?.id === view.id ? prev.timeline : undefined;
  // Only an observation adds a point: the final status is built without one.
  const transit = view.kind === 'swap' || view.kind === 'canary' ? inTransit(input, observed) : {};
  const desiredAtStart = Number(input.desiredAtStart ?? 0);
  const desired = view.kind === 'swap' || view.kind === 'canary' ? servingDesired(status, desiredAtStart) : desiredAtStart || Math.max(status.blue?.desired ?? 0, status.green?.desired ?? 0);
  status.timeline = observed ? nextTimeline(prevTimeline, status, now, desired, transit) : (prevTimeline ?? []);
  return status;
}

/** The canary machine's context, read for status (see canary.types.ts). */
function canaryProgress(context: Record<string, unknown>, input: Record<string, unknown>): CanaryProgress {
  const c = context as {
    stepIndex?: number; weight?: number; cutOver?: boolean; scaleOutApplied?: number;
    traffic?: { greenServing: number; approximate: boolean };
    analysis?: { verdict: CanaryVerdict; phase: 'step' | 'pause'; stepIndex: number; weight?: number; checks: CanaryCheck[] };
    analyses?: number;
  };
  const steps = Array.isArray(input.steps) ? input.steps.length : 0;
  return {
    step: (c.stepIndex ?? 0) + 1,
    steps,
    weight: c.weight ?? 0,
    ...(c.traffic ? { greenServing: c.traffic.greenServing } : {}),
    desired: Number(input.desiredAtStart ?? 0) + (c.scaleOutApplied ?? 0),
    approximate: c.traffic?.approximate ?? true,
    cutOver: c.cutOver ?? false,
    ...(c.analysis
      ? {
          verdict: c.analysis.verdict,
          analysedAt: { phase: c.analysis.phase, step: c.analysis.stepIndex + 1, ...(c.analysis.weight !== undefined ? { weight: c.analysis.weight } : {}) },
          analysis: c.analysis.checks.map((k) => ({ ...k, message: k.message ?? k.verdict })),
          analyses: c.analyses ?? 0,
        }
      : {}),
  };
}

function resultOf(phase: PhaseDescription): DeploymentStatus['result'] {
  if (!phase.final) return 'InProgress';
  if (phase.result === 'succeeded') return 'Succeeded';
  if (phase.result === 'rolledBack') return 'RolledBack';
  return 'Failed';
}

function swapSides(input: Record<string, unknown>, observed: ObservedFleet | undefined): { blue?: DeploymentSide; green?: DeploymentSide } {
  const blueName = String(input.blueGroup ?? '');
  const greenName = groupName(String(input.fleet ?? ''), Number(input.generation ?? 0));
  const side = (name: string): DeploymentSide => {
    const g = observed?.groups.find((x) => x.name === name);
    const registered = new Map(loadBalancerInstances(observed).map((i) => [i.id, i.state]));
    const inService = g ? g.instances.filter((i) => registered.get(i.id) === 'InService').length : 0;
    return { group: name, inService, desired: g?.desired ?? 0 };
  };
  return { blue: side(blueName), green: side(greenName) };
}

/** Instances of a side not InService at the load balancer: green still booting, blue still draining. Only counts above zero are kept. */
function inTransit(input: Record<string, unknown>, observed: ObservedFleet | undefined): { greenBooting?: number; blueDraining?: number } {
  if (!observed) return {};
  const inLb = new Set(loadBalancerInstances(observed).filter((i) => i.state === 'InService').map((i) => i.id));
  const group = (name: string) => observed.groups.find((g) => g.name === name)?.instances ?? [];
  const green = group(groupName(String(input.fleet ?? ''), Number(input.generation ?? 0)));
  const blue = group(String(input.blueGroup ?? ''));
  const greenBooting = green.filter((i) => (i.lifecycle === 'pending' || i.lifecycle === 'inService') && !inLb.has(i.id)).length;
  const blueDraining = blue.filter((i) => i.lifecycle !== 'pending' && i.lifecycle !== 'terminated' && !inLb.has(i.id)).length;
  return { ...(greenBooting ? { greenBooting } : {}), ...(blueDraining ? { blueDraining } : {}) };
}

function timeoutAt(view: DeploymentView, input: Record<string, unknown>): { timeoutAt?: string } {
  const startedMs = Date.parse(view.startedAt);
  const seconds = view.kind === 'bake' ? Number(input.timeoutSeconds ?? 0) : Number(input.healthyTimeoutSeconds ?? 0);
  if (!seconds || Number.isNaN(startedMs) || view.phase.final) return {};
  return { timeoutAt: new Date(startedMs + seconds * 1000).toISOString() };
}

const SAMPLE_FIELDS = ['blueInService', 'greenInService', 'desired', 'phase', 'greenBooting', 'blueDraining', 'weight'] as const;

function sameSample(a: TimelinePoint, b: TimelinePoint): boolean {
  return SAMPLE_FIELDS.every((k) => a[k] === b[k]);
}

/** Phases in which green serves alone: blue has left the load balancer, or is gone. */
const GREEN_SERVES = new Set<string>([...CUT_OVER_STEPS, 'deleteBlue', 'verifyServing', 'succeeded']);

/**
 * The fleet's desired capacity at this observation, as AWS reports it: that of the group which
 * serves, blue until cut-over (and in a rollback, once blue has any), green after it. The fleet's
 * own scaling policies act on that group (on blue until they are moved), so a CPU alarm's scale-in
 * or scale-out moves the line with it, instead of showing a dip or an excess drover did not cause.
 * Blue's desired at the start when neither group is seen.
 */
export function servingDesired(s: Pick<DeploymentStatus, 'phase' | 'blue' | 'green'>, desiredAtStart: number): number {
  const blue = s.blue?.desired ?? 0;
  const green = s.green?.desired ?? 0;
  return (GREEN_SERVES.has(s.phase) ? green || blue : blue || green) || desiredAtStart;
}

/**
 * `desired`: what the sample records as the capacity that should serve (swap and canary:
 * `servingDesired`; samples recorded before it was so kept blue's desired at the start).
 */
function nextTimeline(prev: TimelinePoint[] | undefined, s: DeploymentStatus, now: Date, desired: number, transit: { greenBooting?: number; blueDraining?: number }): TimelinePoint[] {
  const point: TimelinePoint = {
    at: now.toISOString(),
    blueInService: s.blue?.inService ?? 0,
    greenInService: s.green?.inService ?? 0,
    desired,
    phase: s.phase,
    ...transit,
    ...(s.canary ? { weight: s.canary.weight } : {}),
  };
  const list = [...(prev ?? [])];
  const last = list[list.length - 1];
  if (last && last.at === point.at) list.pop();
  // A run of equal samples keeps only its first and its newest: an hour of keepPrevious is two points,
  // and the cap never pushes out the minutes where the swap happened.
  const n = list.length;
  if (n >= 2 && sameSample(list[n - 1], point) && sameSample(list[n - 2], point)) list.pop();
  list.push(point);
  return list.slice(-TIMELINE_CAP);
}
