/** Instance refresh: rolling replacement in batches that keep MinHealthyPercentage healthy. */
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
import { paginate } from '../paginate';
import { GroupRec, RefreshRec } from '../state';
import { activeInstances, findGroup, isSuspended, resolveGroupTemplate, templateRef, validation } from './find';
import { beginLeaving } from './instance-flow';

const STALL_MS = 3_600_000;

function startRefresh(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  if (sim.state.refreshes.some((r) => r.group === g.name && (r.status === 'Pending' || r.status === 'InProgress'))) {
    throw sim.error('AutoScaling', 'InstanceRefreshInProgress', `An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.`);
  }
  if (input.Strategy && input.Strategy !== 'Rolling') throw validation(sim, `Invalid Strategy: ${input.Strategy}`);
  const prefs = input.Preferences ?? {};
  const pct = prefs.MinHealthyPercentage ?? 90;
  if (pct < 0 || pct > 100) throw validation(sim, 'MinHealthyPercentage must be between 0 and 100');
  if (input.DesiredConfiguration?.LaunchTemplate) g.launchTemplate = templateRef(sim, input.DesiredConfiguration.LaunchTemplate);
  const skip = !!prefs.SkipMatching;
  const current = skip ? resolveGroupTemplate(sim, g) : undefined;
  const remaining = activeInstances(g)
    .filter((i) => !current || i.launchTemplate.id !== current.lt.id || i.launchTemplate.version !== String(current.version.number))
    .map((i) => i.id);
  const r: RefreshRec = {
    id: sim.uuid(),
    group: g.name,
    status: 'Pending',
    startedAt: sim.now(),
    minHealthyPercentage: pct,
    warmupMs: (prefs.InstanceWarmup ?? g.healthCheckGracePeriod ?? 0) * 1000,
    remaining,
    total: remaining.length,
    inFlight: [],
    skipMatching: skip,
    lastProgressAt: sim.now(),
    preferences: { MinHealthyPercentage: pct, InstanceWarmup: prefs.InstanceWarmup, SkipMatching: skip },
  };
  sim.state.refreshes.push(r);
  sim.dirty = true;
  return { InstanceRefreshId: r.id };
}

function describeRefreshes(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const ids: string[] | undefined = input.InstanceRefreshIds?.length ? input.InstanceRefreshIds : undefined;
  const all = sim.state.refreshes.filter((r) => r.group === g.name && (!ids || ids.includes(r.id))).reverse();
  const page = paginate(sim, 'AutoScaling', all, input.NextToken, input.MaxRecords);
  return {
    InstanceRefreshes: page.items.map((r) => ({
      InstanceRefreshId: r.id,
      AutoScalingGroupName: r.group,
      Status: r.status,
      StatusReason: r.statusReason,
      StartTime: sim.date(r.startedAt),
      EndTime: r.endedAt !== undefined ? sim.date(r.endedAt) : undefined,
      PercentageComplete: percentage(r),
      InstancesToUpdate: r.remaining.length + r.inFlight.length,
      Preferences: r.preferences,
    })),
    NextToken: page.next,
  };
}

function percentage(r: RefreshRec): number {
  if (r.status === 'Successful' || r.total === 0) return r.status === 'Successful' ? 100 : 0;
  return Math.floor(((r.total - r.remaining.length - r.inFlight.length) / r.total) * 100);
}

/** Healthy, InService, warmed-up instances that are not on their way out. */
function healthyWarm(sim: SimCore, g: GroupRec, warmupMs: number): number {
  return activeInstances(g).filter(
    (i) => i.lifecycle === 'InService' && i.health === 'Healthy' && (i.inServiceAt ?? Infinity) + warmupMs <= sim.now(),
  ).length;
}

function finish(sim: SimCore, r: RefreshRec, status: RefreshRec['status'], reason?: string): void {
  r.status = status;
  r.statusReason = reason;
  r.endedAt = sim.now();
}

export function tickRefresh(sim: SimCore, r: RefreshRec): void {
  if (r.status !== 'Pending' && r.status !== 'InProgress') return;
  const g = sim.state.groups[r.group];
  if (!g || g.deleting) return finish(sim, r, 'Cancelled', 'The Auto Scaling group was deleted.');
  // Suspended (SuspendProcesses InstanceRefresh), the refresh starts no new batch; the time held is no stall.
  if (isSuspended(g, 'InstanceRefresh')) {
    r.lastProgressAt = sim.now();
    return;
  }
  r.status = 'InProgress';
  const active = new Set(activeInstances(g).map((i) => i.id));
  const before = r.remaining.length + r.inFlight.length;
  r.remaining = r.remaining.filter((id) => active.has(id));
  const healthy = healthyWarm(sim, g, r.warmupMs);
  const full = healthy >= g.desired && active.size >= g.desired;
  if (full) r.inFlight = [];
  if (r.remaining.length + r.inFlight.length < before) r.lastProgressAt = sim.now();
  if (!r.remaining.length && full) return finish(sim, r, 'Successful');
  if (sim.now() - r.lastProgressAt > STALL_MS) {
    return finish(sim, r, 'Failed', 'Instance refresh failed: replacement instances did not pass health checks within the time allowed.');
  }
  if (r.inFlight.length || !full) return;
  const minHealthy = Math.ceil((g.desired * r.minHealthyPercentage) / 100);
  const batch = Math.min(r.remaining.length, Math.max(1, healthy - minHealthy));
  const victims = r.remaining.slice(0, batch);
  for (const id of victims) {
    beginLeaving(sim, g, g.instances[id], `At ${sim.iso()} an instance was taken out of service in response to an instance refresh.`);
  }
  r.remaining = r.remaining.slice(batch);
  r.inFlight = victims;
}

/** When the refresh next needs a look (warm-up ends). */
export function refreshDue(sim: SimCore, r: RefreshRec, add: (t: number) => void): void {
  const g = sim.state.groups[r.group];
  if (!g || (r.status !== 'Pending' && r.status !== 'InProgress')) return;
  for (const i of Object.values(g.instances)) if (i.inServiceAt !== undefined) add(i.inServiceAt + r.warmupMs);
  add(r.lastProgressAt + STALL_MS + 1);
}

export const REFRESH_HANDLERS: HandlerMap = {
  StartInstanceRefresh: startRefresh,
  DescribeInstanceRefreshes: describeRefreshes,
};
