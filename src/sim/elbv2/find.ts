/** Shared ELBv2 lookups, ARNs and validation helpers. */
import { SimCore } from '../core';
import { Elbv2State, ListenerRec, TargetGroupRec, V2LoadBalancerRec } from '../state';

/** The account's ELBv2 records (created on first use, so older saved accounts load). */
export function v2(sim: SimCore): Elbv2State {
  if (!sim.state.elbv2) sim.state.elbv2 = { loadBalancers: {}, targetGroups: {}, listeners: {} };
  return sim.state.elbv2;
}

export function validation(sim: SimCore, message: string): Error {
  return sim.error('ElasticLoadBalancingV2', 'ValidationError', message);
}

/** AWS's wording for a request field outside its constraint. */
export function constraint(sim: SimCore, value: unknown, field: string, rule: string): Error {
  return validation(sim, `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`);
}

export function findLoadBalancer(sim: SimCore, arn: string | undefined): V2LoadBalancerRec {
  const lb = arn ? v2(sim).loadBalancers[arn] : undefined;
  if (!lb) throw sim.error('ElasticLoadBalancingV2', 'LoadBalancerNotFound', 'One or more load balancers not found');
  return lb;
}

export function findTargetGroup(sim: SimCore, arn: string | undefined): TargetGroupRec {
  const tg = arn ? v2(sim).targetGroups[arn] : undefined;
  if (!tg) throw sim.error('ElasticLoadBalancingV2', 'TargetGroupNotFound', 'One or more target groups not found');
  return tg;
}

export function findListener(sim: SimCore, arn: string | undefined): ListenerRec {
  const l = arn ? v2(sim).listeners[arn] : undefined;
  if (!l) throw sim.error('ElasticLoadBalancingV2', 'ListenerNotFound', 'One or more listeners not found');
  return l;
}

/** Load balancer and target group names: 1-32 alphanumerics or hyphens, no hyphen at either end. */
export function checkName(sim: SimCore, kind: 'Load balancer' | 'Target group', name: string): void {
  if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/.test(name)) {
    throw validation(sim, `${kind} name '${name}' cannot be longer than '32' characters, must contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen`);
  }
  if (kind === 'Load balancer' && name.toLowerCase().startsWith('internal-')) throw validation(sim, `Load balancer name '${name}' cannot begin with 'internal-'`);
}

/** Target groups used by a load balancer through any listener's forward action. */
export function targetGroupLoadBalancers(sim: SimCore, tgArn: string): string[] {
  const lbs = new Set<string>();
  for (const l of Object.values(v2(sim).listeners)) {
    if (l.actions.some((a) => a.targetGroups?.some((t) => t.arn === tgArn))) lbs.add(l.lbArn);
  }
  return [...lbs];
}

export function listenersOf(sim: SimCore, lbArn: string): ListenerRec[] {
  return Object.values(v2(sim).listeners)
    .filter((l) => l.lbArn === lbArn)
    .sort((a, b) => a.port - b.port);
}

/** CloudWatch's dimension value for a load balancer: `app/<name>/<id>` (or `net/...`). */
export function lbDimension(lb: V2LoadBalancerRec): string {
  return `${lb.type === 'network' ? 'net' : 'app'}/${lb.name}/${lb.id}`;
}

/** CloudWatch's dimension value for a target group: `targetgroup/<name>/<id>`. */
export function tgDimension(tg: TargetGroupRec): string {
  return `targetgroup/${tg.name}/${tg.id}`;
}

/** Deregistration delay in seconds (attribute `deregistration_delay.timeout_seconds`). */
export function deregistrationDelay(tg: TargetGroupRec): number {
  return Number(tg.attributes['deregistration_delay.timeout_seconds'] ?? 300);
}

/** Compare two records as JSON (for idempotent creates). */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
