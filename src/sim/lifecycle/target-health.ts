/**
 * ELBv2 health checks, by the same boot/health model as the Classic ELB (elb-health.ts): each
 * target of a target group that serves a load balancer is checked every interval. `initial`
 * turns `healthy` after HealthyThresholdCount passes, or `unhealthy` after UnhealthyThresholdCount
 * fails; `healthy` and `unhealthy` flip the same way. Draining targets leave when their delay ends.
 */
import { SimCore } from '../core';
import { targetGroupLoadBalancers, v2 } from '../elbv2/find';
import { isHttp } from '../elbv2/target-groups';
import { TARGET_TEXT } from '../elbv2/targets';
import { TargetGroupRec, TargetRec } from '../state';
import { healthProblem } from './elb-health';

function failure(tg: TargetGroupRec, problem: 'down' | 'error' | 'timeout'): readonly [string, string] {
  if (!isHttp(tg.healthCheck.protocol)) return TARGET_TEXT.failed;
  if (problem === 'error') return ['Target.ResponseCodeMismatch', 'Health checks failed with these codes: [500]'];
  return TARGET_TEXT.timeout;
}

function check(sim: SimCore, tg: TargetGroupRec, t: TargetRec): void {
  const hc = tg.healthCheck;
  const problem = healthProblem(sim, sim.state.instances[t.id]);
  const before = t.state;
  if (!problem) {
    t.passes++;
    t.fails = 0;
    if (t.state !== 'healthy' && t.passes >= hc.healthy) Object.assign(t, { state: 'healthy', reason: undefined, description: undefined });
  } else {
    t.fails++;
    t.passes = 0;
    if (t.state !== 'unhealthy' && t.fails >= hc.unhealthy) t.state = 'unhealthy';
    if (t.state === 'unhealthy') [t.reason, t.description] = failure(tg, problem);
  }
  if (t.state === 'initial') [t.reason, t.description] = TARGET_TEXT.initial;
  if (t.state !== before) sim.dirty = true;
}

function tickTargetGroup(sim: SimCore, tg: TargetGroupRec): void {
  const inUse = targetGroupLoadBalancers(sim, tg.arn).length > 0;
  const step = tg.healthCheck.interval * 1000;
  for (const [k, t] of Object.entries(tg.targets)) {
    if (t.drainingUntil !== undefined) {
      if (sim.now() >= t.drainingUntil) {
        delete tg.targets[k];
        sim.dirty = true;
      }
      continue;
    }
    if (!inUse) {
      t.idle = true;
      continue;
    }
    if (t.idle) {
      // The group starts serving a load balancer: its targets are checked from scratch.
      Object.assign(t, { idle: undefined, state: 'initial', passes: 0, fails: 0, nextCheckAt: sim.now() + step });
      [t.reason, t.description] = TARGET_TEXT.registering;
      continue;
    }
    if (sim.now() < t.nextCheckAt) continue;
    check(sim, tg, t);
    t.nextCheckAt = Math.max(t.nextCheckAt + step, sim.now() + 1);
  }
}

export function tickTargetGroups(sim: SimCore): void {
  if (!sim.state.elbv2) return;
  for (const tg of Object.values(v2(sim).targetGroups)) tickTargetGroup(sim, tg);
}

export function targetGroupsDue(sim: SimCore, add: (t: number) => void): void {
  if (!sim.state.elbv2) return;
  for (const tg of Object.values(v2(sim).targetGroups)) {
    const inUse = targetGroupLoadBalancers(sim, tg.arn).length > 0;
    for (const t of Object.values(tg.targets)) {
      if (t.drainingUntil !== undefined) add(t.drainingUntil);
      else if (inUse && !t.idle) add(t.nextCheckAt);
    }
  }
}
