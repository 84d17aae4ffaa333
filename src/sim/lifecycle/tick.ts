/**
 * Drives all clock-based behaviour. The account jumps from one due event to the next (capped
 * by maxStepMs), so a day of idle virtual time costs little real time.
 */
import { SimCore } from '../core';
import { alarmsDue, evaluateAlarm } from '../cloudwatch/evaluate';
import { efsDue, tickEfs } from '../efs/file-systems';
import { refreshDue, tickRefresh } from '../autoscaling/refresh';
import { ec2Due, tickEc2 } from './ec2';
import { loadBalancerDue, tickLoadBalancer } from './elb-health';
import { groupDue, tickGroup } from './groups';
import { instanceCpu } from './load';
import { targetGroupsDue, tickTargetGroups } from './target-health';
import { tickTraffic, trafficDue } from './traffic';

function tickOnce(sim: SimCore): void {
  tickEc2(sim);
  tickEfs(sim);
  for (const lb of Object.values(sim.state.loadBalancers)) tickLoadBalancer(sim, lb);
  tickTargetGroups(sim);
  for (const g of Object.values(sim.state.groups)) tickGroup(sim, g);
  for (const r of sim.state.refreshes) tickRefresh(sim, r);
  // Metrics first, so an alarm at a minute's end sees that minute's datapoint.
  tickTraffic(sim, (id) => instanceCpu(sim, id) ?? sim.timings.idleCpu);
  for (const a of Object.values(sim.state.alarms)) evaluateAlarm(sim, a);
}

/** Process everything due at the current cursor until nothing changes. */
export function settle(sim: SimCore): void {
  for (let pass = 0; pass < 20; pass++) {
    sim.dirty = false;
    tickOnce(sim);
    sim.waiters = sim.waiters.filter((w) => !w.settle());
    if (!sim.dirty) return;
    sim.indexes.invalidate();
  }
}

export function nextDue(sim: SimCore): number | undefined {
  let best: number | undefined;
  const add = (t: number) => {
    if (t > sim.cursor && (best === undefined || t < best)) best = t;
  };
  ec2Due(sim, add);
  efsDue(sim, add);
  for (const lb of Object.values(sim.state.loadBalancers)) loadBalancerDue(lb, add);
  targetGroupsDue(sim, add);
  for (const g of Object.values(sim.state.groups)) groupDue(sim, g, add);
  for (const r of sim.state.refreshes) refreshDue(sim, r, add);
  alarmsDue(sim, add);
  trafficDue(sim, add);
  for (const w of sim.waiters) w.due(add);
  return best;
}

/** The quiet record (skipQuietSteps) still holds: nothing created, changed or waiting anew since it was taken. */
function quietHolds(sim: SimCore): SimCore['quiet'] {
  const q = sim.quiet;
  return q && q.generation === sim.indexes.generation() && q.waiters === sim.waiters && q.count === sim.waiters.length ? q : undefined;
}

/** Move the lifecycle forward to `target`, stopping at every due event on the way. */
export function runUntil(sim: SimCore, target: number, onStep?: (nowMs: number) => void): void {
  while (sim.cursor < target) {
    const q = sim.timings.skipQuietSteps ? quietHolds(sim) : undefined;
    // Nothing is due before target and nothing changed since the last settle: settling would find nothing.
    if (q && target < q.due && target - q.at < sim.timings.maxStepMs) {
      sim.cursor = target;
      onStep?.(sim.cursor);
      return;
    }
    const due = (q && q.at === sim.cursor ? q.due : nextDue(sim)) ?? Infinity;
    sim.cursor = Math.min(target, sim.cursor + sim.timings.maxStepMs, due);
    settle(sim);
    if (sim.timings.skipQuietSteps) sim.quiet = { at: sim.cursor, due: nextDue(sim) ?? Infinity, generation: sim.indexes.generation(), waiters: sim.waiters, count: sim.waiters.length };
    onStep?.(sim.cursor);
  }
}
