/** ELBv2 target registration, deregistration (draining for the deregistration delay) and DescribeTargetHealth. */
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
import { TargetGroupRec, TargetRec } from '../state';
import { constraint, deregistrationDelay, findTargetGroup, targetGroupLoadBalancers } from './find';

export const TARGET_TEXT = {
  registering: ['Elb.RegistrationInProgress', 'Target registration is in progress'],
  initial: ['Elb.InitialHealthChecking', 'Initial health checks in progress'],
  timeout: ['Target.Timeout', 'Request timed out'],
  failed: ['Target.FailedHealthChecks', 'Health checks failed'],
  draining: ['Target.DeregistrationInProgress', 'Target deregistration is in progress'],
  notInUse: ['Target.NotInUse', 'Target group is not configured to receive traffic from the load balancer'],
  invalidState: ['Target.InvalidState', 'Target is in the stopped or terminated state'],
  notRegistered: ['Target.NotRegistered', 'Target is not registered to the target group'],
} as const;

const key = (id: string, port: number) => `${id}:${port}`;

export function registerTarget(sim: SimCore, tg: TargetGroupRec, instanceId: string, port = tg.port): void {
  const existing = tg.targets[key(instanceId, port)];
  if (existing && existing.drainingUntil === undefined) return;
  const [reason, description] = TARGET_TEXT.registering;
  tg.targets[key(instanceId, port)] = {
    id: instanceId,
    port,
    state: 'initial',
    reason,
    description,
    passes: 0,
    fails: 0,
    nextCheckAt: sim.now() + tg.healthCheck.interval * 1000,
  };
  sim.dirty = true;
}

/**
 * Deregister; in a target group that serves a load balancer the target drains (keeps its
 * connections, gets no new requests) for the deregistration delay. Returns when it is gone.
 */
export function deregisterTarget(sim: SimCore, tg: TargetGroupRec, instanceId: string, port?: number, drain = true): number {
  let until = sim.now();
  for (const [k, t] of Object.entries(tg.targets)) {
    if (t.id !== instanceId || (port !== undefined && t.port !== port)) continue;
    if (t.drainingUntil !== undefined) {
      until = Math.max(until, t.drainingUntil);
      continue;
    }
    const delay = deregistrationDelay(tg);
    if (drain && delay > 0 && targetGroupLoadBalancers(sim, tg.arn).length) {
      t.drainingUntil = sim.now() + delay * 1000;
      until = Math.max(until, t.drainingUntil);
    } else {
      delete tg.targets[k];
    }
    sim.dirty = true;
  }
  return until;
}

/** What DescribeTargetHealth says about a registered target now. */
export function targetHealth(sim: SimCore, tg: TargetGroupRec, t: TargetRec): { State: string; Reason?: string; Description?: string } {
  const out = (State: string, [Reason, Description]: readonly [string, string]) => ({ State, Reason, Description });
  if (t.drainingUntil !== undefined) return out('draining', TARGET_TEXT.draining);
  const inst = sim.state.instances[t.id];
  if (!inst || ['stopping', 'stopped', 'shutting-down', 'terminated'].includes(inst.state)) return out('unused', TARGET_TEXT.invalidState);
  if (!targetGroupLoadBalancers(sim, tg.arn).length) return out('unused', TARGET_TEXT.notInUse);
  if (t.state === 'healthy') return { State: 'healthy' };
  return { State: t.state, Reason: t.reason, Description: t.description };
}

/** The instance's state in the target group (`unhealthy`, `healthy`, ...), or undefined when not registered. */
export function instanceTargetState(sim: SimCore, tg: TargetGroupRec | undefined, instanceId: string): string | undefined {
  const t = tg && Object.values(tg.targets).find((x) => x.id === instanceId);
  return t && tg ? targetHealth(sim, tg, t).State : undefined;
}

function targetsIn(sim: SimCore, tg: TargetGroupRec, input: any, register: boolean): Array<{ id: string; port: number }> {
  const targets = (input.Targets ?? []) as Array<{ Id?: string; Port?: number }>;
  if (!targets.length) throw constraint(sim, '[]', 'targets', 'Member must have length greater than or equal to 1');
  const missing = targets.filter((t) => !t.Id || !sim.state.instances[t.Id]).map((t) => t.Id);
  if (missing.length) throw sim.error('ElasticLoadBalancingV2', 'InvalidTarget', `The following targets are not valid instances: '${missing.join("', '")}'`);
  for (const t of targets) {
    if (t.Port !== undefined && !(t.Port >= 1 && t.Port <= 65535)) throw constraint(sim, t.Port, 'targets.member.port', 'Member must have value between 1 and 65535');
  }
  if (register) {
    const stopped = targets.filter((t) => !['pending', 'running'].includes(sim.state.instances[t.Id!].state)).map((t) => t.Id);
    if (stopped.length) throw sim.error('ElasticLoadBalancingV2', 'InvalidTarget', `The following targets are not in a running state and cannot be registered: '${stopped.join("', '")}'`);
  }
  return targets.map((t) => ({ id: t.Id!, port: t.Port ?? tg.port }));
}

function registerTargets(sim: SimCore, input: any) {
  const tg = findTargetGroup(sim, input.TargetGroupArn);
  for (const t of targetsIn(sim, tg, input, true)) registerTarget(sim, tg, t.id, t.port);
  return {};
}

/** Deregistering a target that is not registered succeeds and changes nothing. */
function deregisterTargets(sim: SimCore, input: any) {
  const tg = findTargetGroup(sim, input.TargetGroupArn);
  for (const t of targetsIn(sim, tg, input, false)) deregisterTarget(sim, tg, t.id, t.port);
  return {};
}

function describeTargetHealth(sim: SimCore, input: any) {
  const tg = findTargetGroup(sim, input.TargetGroupArn);
  const hcPort = (port: number) => (tg.healthCheck.port === 'traffic-port' ? String(port) : tg.healthCheck.port);
  const asked = input.Targets?.length ? targetsIn(sim, tg, input, false) : Object.values(tg.targets).map((t) => ({ id: t.id, port: t.port }));
  return {
    TargetHealthDescriptions: asked.map(({ id, port }) => {
      const t = tg.targets[key(id, port)];
      const [Reason, Description] = TARGET_TEXT.notRegistered;
      const health = t ? targetHealth(sim, tg, t) : { State: 'unused', Reason, Description };
      return { Target: { Id: id, Port: port }, HealthCheckPort: hcPort(port), TargetHealth: health };
    }),
  };
}

export const TARGET_HANDLERS: HandlerMap = {
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
  DescribeTargetHealth: describeTargetHealth,
};
