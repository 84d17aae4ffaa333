/**
 * The request model behind the load balancers' CloudWatch metrics. Every virtual minute each
 * load balancer gets `baselineRequestRate + load × requestRatePerLoad` requests per second:
 * - a Classic ELB spreads them evenly over its InService instances (so a canary's share is
 *   its share of the registered instances);
 * - an ALB splits them between its listeners, then by the forward action's weights between
 *   target groups, then evenly over each group's healthy targets (all of its unhealthy ones
 *   when none is healthy, as ALBs fail open).
 * Instances answer `amiErrorRates[ami]` of their requests with 5xx (health checks still pass),
 * and respond more slowly as their CPU rises. Count metrics are published only when non-zero,
 * as AWS does.
 */
import { Dimension, MINUTE, countSample, distSample, dropOld, metricStore, putSample } from '../cloudwatch/metric-store';
import { SimCore } from '../core';
import { inServiceIds } from '../elb/registration';
import { lbDimension, listenersOf, tgDimension, v2 } from '../elbv2/find';
import { targetHealth } from '../elbv2/targets';
import { TargetGroupRec, V2LoadBalancerRec } from '../state';

export interface Route {
  tg: TargetGroupRec;
  /** The share of the load balancer's requests this target group gets. */
  share: number;
  /** The instances serving them. */
  instances: string[];
  healthy: number;
  unhealthy: number;
}

export function requestRate(sim: SimCore, lbName: string): number {
  return sim.timings.baselineRequestRate + (sim.state.loads[lbName] ?? 0) * sim.timings.requestRatePerLoad;
}

/** Where an ALB's requests go, per target group of its listeners' forward actions. */
export function albRoutes(sim: SimCore, lb: V2LoadBalancerRec): Route[] {
  const forwards = listenersOf(sim, lb.arn)
    .map((l) => l.actions.find((a) => a.type === 'forward'))
    .filter((a) => !!a);
  const routes = new Map<string, Route>();
  for (const fwd of forwards) {
    const total = (fwd.targetGroups ?? []).reduce((s, t) => s + t.weight, 0);
    for (const t of fwd.targetGroups ?? []) {
      const tg = v2(sim).targetGroups[t.arn];
      if (!tg) continue;
      const route = routes.get(tg.arn) ?? { tg, share: 0, instances: [], healthy: 0, unhealthy: 0 };
      route.share += total ? t.weight / total / forwards.length : 0;
      routes.set(tg.arn, route);
    }
  }
  for (const r of routes.values()) {
    const states = Object.values(r.tg.targets).map((t) => ({ id: t.id, state: targetHealth(sim, r.tg, t).State }));
    const healthy = states.filter((s) => s.state === 'healthy').map((s) => s.id);
    const unhealthy = states.filter((s) => s.state === 'unhealthy').map((s) => s.id);
    Object.assign(r, { instances: healthy.length ? healthy : unhealthy, healthy: healthy.length, unhealthy: unhealthy.length });
  }
  return [...routes.values()];
}

/** Mean response time (seconds) of an instance at its current CPU. */
export function responseTime(sim: SimCore, cpu: number): number {
  return (sim.timings.baseLatencyMs / 1000) * (1 + 4 * (Math.min(100, cpu) / 100) ** 3);
}

interface Served {
  requests: number;
  errors: number;
  /** Response times as [seconds, requests]. */
  times: Array<[number, number]>;
}

/** `requests` spread evenly over `instances`. */
function serve(sim: SimCore, instances: string[], requests: number, cpuOf: (id: string) => number): Served {
  const out: Served = { requests: 0, errors: 0, times: [] };
  if (!instances.length || requests <= 0) return out;
  const each = requests / instances.length;
  const served = (metricStore(sim).served ??= {});
  for (const id of instances) {
    const inst = sim.state.instances[id];
    const errors = each * (inst ? (sim.state.amiErrorRates?.[inst.imageId] ?? 0) : 0);
    out.requests += each;
    out.errors += errors;
    if (inst) {
      const tally = (served[inst.imageId] ??= { requests: 0, errors: 0 });
      tally.requests += each;
      tally.errors += errors;
    }
    const mean = responseTime(sim, cpuOf(id));
    // A skewed spread around the mean, so percentiles (p99) sit well above the average.
    out.times.push([mean * 0.5, each * 0.5], [mean, each * 0.35], [mean * 2, each * 0.135], [mean * 4, each * 0.015]);
  }
  return out;
}

function publish(sim: SimCore, t: number, ns: string, dims: Dimension[], names: { requests: string; errors: string; time: string }, s: Served): void {
  if (s.requests >= 0.5) putSample(sim, ns, names.requests, dims, 'Count', countSample(t, Math.round(s.requests)));
  if (Math.round(s.errors) > 0) putSample(sim, ns, names.errors, dims, 'Count', countSample(t, Math.round(s.errors)));
  if (s.times.length) putSample(sim, ns, names.time, dims, 'Seconds', distSample(t, s.times));
}

const ALB_NAMES = { requests: 'RequestCount', errors: 'HTTPCode_Target_5XX_Count', time: 'TargetResponseTime' };

function publishAlb(sim: SimCore, lb: V2LoadBalancerRec, t: number, cpuOf: (id: string) => number): void {
  if (lb.type !== 'application' || !listenersOf(sim, lb.arn).length) return;
  const requests = requestRate(sim, lb.name) * 60;
  const lbDims = [{ Name: 'LoadBalancer', Value: lbDimension(lb) }];
  const all: Served = { requests: 0, errors: 0, times: [] };
  for (const r of albRoutes(sim, lb)) {
    const dims = [{ Name: 'TargetGroup', Value: tgDimension(r.tg) }, ...lbDims];
    const served = serve(sim, r.instances, requests * r.share, cpuOf);
    publish(sim, t, 'AWS/ApplicationELB', dims, ALB_NAMES, served);
    putSample(sim, 'AWS/ApplicationELB', 'HealthyHostCount', dims, 'Count', countSample(t, r.healthy));
    putSample(sim, 'AWS/ApplicationELB', 'UnHealthyHostCount', dims, 'Count', countSample(t, r.unhealthy));
    all.errors += served.errors;
    all.times.push(...served.times);
    all.requests += served.requests;
  }
  // Requests no target could take (weights all 0, empty groups) get a 503 from the load balancer itself.
  const refused = Math.round(requests - all.requests);
  publish(sim, t, 'AWS/ApplicationELB', lbDims, ALB_NAMES, { ...all, requests });
  if (refused > 0) putSample(sim, 'AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', lbDims, 'Count', countSample(t, refused));
}

function publishClassic(sim: SimCore, name: string, t: number, cpuOf: (id: string) => number): void {
  const lb = sim.state.loadBalancers[name];
  const requests = requestRate(sim, name) * 60;
  const serving = inServiceIds(lb);
  const dims = [{ Name: 'LoadBalancerName', Value: name }];
  const served = serve(sim, serving, requests, cpuOf);
  publish(sim, t, 'AWS/ELB', dims, { requests: 'RequestCount', errors: 'HTTPCode_Backend_5XX', time: 'Latency' }, { ...served, requests });
  if (!serving.length) putSample(sim, 'AWS/ELB', 'HTTPCode_ELB_5XX', dims, 'Count', countSample(t, Math.round(requests)));
  const registered = Object.values(lb.instances).filter((r) => r.drainingUntil === undefined);
  putSample(sim, 'AWS/ELB', 'HealthyHostCount', dims, 'Count', countSample(t, serving.length));
  putSample(sim, 'AWS/ELB', 'UnHealthyHostCount', dims, 'Count', countSample(t, registered.length - serving.length));
}

function anyLoadBalancer(sim: SimCore): boolean {
  return Object.keys(sim.state.loadBalancers).length > 0 || Object.keys(sim.state.elbv2?.loadBalancers ?? {}).length > 0;
}

/** At each minute's end, publish that minute's datapoints from the state at that instant. */
export function tickTraffic(sim: SimCore, cpuOf: (id: string) => number): void {
  if (!sim.state.metrics && !anyLoadBalancer(sim)) return;
  const store = metricStore(sim);
  if (sim.now() - store.nextAt > sim.timings.metricRetentionMs) store.nextAt = Math.floor(sim.now() / MINUTE) * MINUTE;
  let published = false;
  while (sim.now() >= store.nextAt) {
    const t = store.nextAt - MINUTE;
    for (const name of Object.keys(sim.state.loadBalancers)) publishClassic(sim, name, t, cpuOf);
    for (const lb of Object.values(sim.state.elbv2?.loadBalancers ?? {})) publishAlb(sim, lb, t, cpuOf);
    store.nextAt += MINUTE;
    published = true;
  }
  if (published) dropOld(sim);
}

export function trafficDue(sim: SimCore, add: (t: number) => void): void {
  if (sim.state.metrics && anyLoadBalancer(sim)) add(sim.state.metrics.nextAt);
}
