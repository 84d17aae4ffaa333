/** The Classic ELB: existence, listeners, health check and attributes. */
import type { DesiredFleet, Listener } from '../model/fleet';
import type { ObservedFleet, ObservedLoadBalancer } from '../model/observed';
import type { PlanStep } from '../model/plan';
import { drift, nameTaken, step } from './steps';

export function planLoadBalancer(desired: DesiredFleet, observed: ObservedFleet): PlanStep[] {
  const want = desired.loadBalancer;
  const resource = `loadBalancer/${want.name}`;
  const lb = observed.loadBalancer;
  if (!lb) {
    if (observed.conflicts.some((c) => c.resourceType === 'loadBalancer' && c.name === want.name)) {
      return [nameTaken('load balancer', resource, want.name)];
    }
    return [
      step('createLoadBalancer', resource, 'load balancer is missing', {
        fleet: desired.name,
        name: want.name,
        listeners: want.listeners,
        subnets: desired.network.subnets,
        securityGroups: desired.network.securityGroups,
      }),
      healthCheckStep(desired, 'set health check of the new load balancer'),
      attributesStep(desired, 'set connection draining and cross-zone of the new load balancer'),
    ];
  }
  const steps = listenerSteps(desired, lb);
  const hc = healthCheckDrift(desired, lb);
  if (hc) steps.push(healthCheckStep(desired, hc));
  const attrs = attributesDrift(desired, lb);
  if (attrs) steps.push(attributesStep(desired, attrs));
  return steps;
}

function healthCheckStep(desired: DesiredFleet, reason: string): PlanStep {
  const lb = desired.loadBalancer;
  return step('configureHealthCheck', `loadBalancer/${lb.name}`, reason, { name: lb.name, healthCheck: lb.healthCheck });
}

function attributesStep(desired: DesiredFleet, reason: string): PlanStep {
  const lb = desired.loadBalancer;
  return step('modifyLoadBalancerAttributes', `loadBalancer/${lb.name}`, reason, {
    name: lb.name,
    connectionDrainingSeconds: lb.connectionDrainingSeconds,
    crossZone: lb.crossZone,
  });
}

function healthCheckDrift(desired: DesiredFleet, lb: ObservedLoadBalancer): string | undefined {
  const want = desired.loadBalancer.healthCheck;
  const have = lb.healthCheck;
  const fields: Array<[string, unknown, unknown]> = [
    ['health check target', have.target, want.target],
    ['health check interval', have.intervalSeconds, want.intervalSeconds],
    ['health check timeout', have.timeoutSeconds, want.timeoutSeconds],
    ['healthy threshold', have.healthyThreshold, want.healthyThreshold],
    ['unhealthy threshold', have.unhealthyThreshold, want.unhealthyThreshold],
  ];
  const reasons = fields.filter(([, a, b]) => a !== b).map(([f, a, b]) => drift(f, a, b));
  return reasons.length ? reasons.join('; ') : undefined;
}

function attributesDrift(desired: DesiredFleet, lb: ObservedLoadBalancer): string | undefined {
  const want = desired.loadBalancer;
  const reasons: string[] = [];
  const draining = lb.connectionDrainingEnabled ? lb.connectionDrainingSeconds : 0;
  if (draining !== want.connectionDrainingSeconds) reasons.push(drift('connection draining', `${draining}s`, `${want.connectionDrainingSeconds}s`));
  if (lb.crossZone !== want.crossZone) reasons.push(drift('cross-zone load balancing', lb.crossZone, want.crossZone));
  return reasons.length ? reasons.join('; ') : undefined;
}

function describeListener(l: { protocol: string; port: number; instanceProtocol: string; instancePort: number }): string {
  return `${l.protocol}:${l.port}->${l.instanceProtocol}:${l.instancePort}`;
}

function sameListener(a: ObservedLoadBalancer['listeners'][number], b: Listener): boolean {
  return (
    a.protocol.toUpperCase() === b.protocol &&
    a.instanceProtocol.toUpperCase() === b.instanceProtocol &&
    a.instancePort === b.instancePort &&
    (a.sslCertificateId ?? '') === (b.sslCertificateId ?? '')
  );
}

/** Changed listeners are deleted then re-created on the same port; extra ones are deleted. */
function listenerSteps(desired: DesiredFleet, lb: ObservedLoadBalancer): PlanStep[] {
  const name = desired.loadBalancer.name;
  const resource = `loadBalancer/${name}`;
  const wanted = desired.loadBalancer.listeners;
  const removePorts: number[] = [];
  const reasons: string[] = [];
  for (const have of lb.listeners) {
    const want = wanted.find((w) => w.port === have.port);
    if (!want) reasons.push(`listener ${describeListener(have)} is not in the manifest`);
    else if (!sameListener(have, want)) reasons.push(drift(`listener on port ${have.port}`, describeListener(have), describeListener(want)));
    if (!want || !sameListener(have, want)) removePorts.push(have.port);
  }
  const add = wanted.filter((w) => removePorts.includes(w.port) || !lb.listeners.some((h) => h.port === w.port));
  const steps: PlanStep[] = [];
  if (removePorts.length) steps.push(step('deleteLoadBalancerListeners', resource, reasons.join('; '), { name, ports: removePorts }));
  if (add.length) {
    const missing = add.filter((w) => !removePorts.includes(w.port)).map((w) => `listener ${describeListener(w)} is missing`);
    const why = missing.length ? missing.join('; ') : 're-create changed listeners';
    steps.push(step('createLoadBalancerListeners', resource, why, { name, listeners: add }));
  }
  return steps;
}
