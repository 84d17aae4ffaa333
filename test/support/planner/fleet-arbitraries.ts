/**
 * fast-check arbitraries for planner properties: valid desired fleets (within the manifest's
 * rules) and the converged world each one has, with zones that match the subnets.
 */
import fc from 'fast-check';
import type { BakeRecipe, DesiredFleet, HealthCheck, Listener, ScalingRule } from '../../../src/model/fleet';
import type { ObservedFleet } from '../../../src/model/observed';
import { convergedWorld, desiredFleet, emptyWorld, FIXTURE } from './fixtures';
import { wantedHooks } from '../../../src/planner/plan-hooks';

/** Every subnet the properties use and its zone: the fourth shares a zone with the first, the fifth is outside every manifest. */
export const SUBNET_ZONES: Record<string, string> = {
  [FIXTURE.subnets[0]]: 'eu-west-1a',
  [FIXTURE.subnets[1]]: 'eu-west-1b',
  [FIXTURE.subnets[2]]: 'eu-west-1c',
  'subnet-0a1b2c3d4e5f60004': 'eu-west-1a',
  'subnet-0a1b2c3d4e5f60005': 'eu-west-1d',
};
const MANIFEST_SUBNETS = Object.keys(SUBNET_ZONES).slice(0, 4);
export const SECURITY_GROUPS = [FIXTURE.securityGroup, 'sg-0a1b2c3d4e5f60009', 'sg-0a1b2c3d4e5f6000a'];
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';

const listenerArb: fc.Arbitrary<Omit<Listener, 'port'>> = fc
  .record({ protocol: fc.constantFrom('HTTP', 'HTTPS', 'TCP'), instanceProtocol: fc.constantFrom('HTTP', 'TCP'), instancePort: fc.constantFrom(80, 8080) })
  .map((l) => (l.protocol === 'HTTPS' ? { ...l, sslCertificateId: CERT } : l) as Omit<Listener, 'port'>);

const listenersArb: fc.Arbitrary<Listener[]> = fc
  .uniqueArray(fc.constantFrom(80, 443, 8080, 8443), { minLength: 1, maxLength: 3 })
  .chain((ports) => fc.tuple(...ports.map((port) => listenerArb.map((l) => ({ ...l, port })))));

const healthCheckArb: fc.Arbitrary<HealthCheck> = fc.integer({ min: 5, max: 300 }).chain((interval) =>
  fc.record({
    target: fc.constantFrom('HTTP:80/health_check.php', 'TCP:80', 'HTTPS:443/ping', 'SSL:443'),
    intervalSeconds: fc.constant(interval),
    timeoutSeconds: fc.integer({ min: 2, max: Math.min(60, interval - 1) }),
    healthyThreshold: fc.integer({ min: 2, max: 10 }),
    unhealthyThreshold: fc.integer({ min: 2, max: 10 }),
  }),
);

const ruleArb = (adjustment: fc.Arbitrary<number>, threshold: number): fc.Arbitrary<ScalingRule> =>
  fc.record({
    metric: fc.constant('CPUUtilization' as const),
    threshold: fc.constant(threshold),
    periods: fc.integer({ min: 1, max: 5 }),
    periodSeconds: fc.constantFrom(10, 30, 60, 300),
    adjustment,
    cooldownSeconds: fc.integer({ min: 0, max: 600 }),
  });

const scalingArb = fc
  .tuple(fc.integer({ min: 1, max: 100 }), fc.nat({ max: 99 }))
  .map(([out, lower]) => [out, lower % out] as const)
  .chain(([out, inT]) => fc.record({ scaleOut: ruleArb(fc.integer({ min: 1, max: 5 }), out), scaleIn: ruleArb(fc.integer({ min: -5, max: -1 }), inT) }));

const capacityArb = fc
  .tuple(fc.nat({ max: 8 }), fc.nat({ max: 8 }), fc.nat({ max: 100 }))
  .map(([min, span, pick]) => {
    const max = Math.max(1, min + span);
    return { min, max, desired: min + (pick % (max - min + 1)) };
  });

const bakeArb: fc.Arbitrary<BakeRecipe> = fc.record({
  baseAmi: fc.constantFrom(...FIXTURE.amis),
  repository: fc.constant('shop/magento'),
  branch: fc.constant('main'),
  buildScript: fc.constant('build.sh'),
  builderInstanceType: fc.constant('t3.large'),
  timeoutSeconds: fc.constant(900),
  from: fc.constantFrom('base' as const, 'current' as const),
});

/** Random valid fleets named `name` whose load balancer is `lbName`. */
export function desiredArb(name = 'magento-marketplace', lbName = 'magento-elb'): fc.Arbitrary<DesiredFleet> {
  return fc
    .record({
      subnets: fc.subarray(MANIFEST_SUBNETS, { minLength: 1 }),
      securityGroups: fc.subarray(SECURITY_GROUPS, { minLength: 1 }),
      image: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FIXTURE.amis).map((ami) => ({ ami })) }, { weight: 1, arbitrary: bakeArb.map((bake) => ({ bake })) }),
      type: fc.constantFrom('t3.medium', 'c5.large'),
      keyName: fc.option(fc.constantFrom('ops', 'deploy'), { nil: undefined }),
      userData: fc.option(fc.constantFrom('#!/bin/bash\necho hello\n', 'echo plain', "#!/bin/sh\necho 'it''s'\n"), { nil: undefined }),
      capacity: capacityArb,
      listeners: listenersArb,
      healthCheck: healthCheckArb,
      draining: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3600 })),
      crossZone: fc.boolean(),
      grace: fc.integer({ min: 0, max: 600 }),
      storage: fc.option(
        fc.record({ name: fc.constant('media'), mountPath: fc.constantFrom('/var/www/shared', '/mnt/media'), encrypted: fc.boolean(), performanceMode: fc.constantFrom('generalPurpose' as const, 'maxIO' as const) }),
        { nil: undefined },
      ),
      scaling: fc.option(scalingArb, { nil: undefined }),
    })
    .map((r) => {
      const base = desiredFleet();
      return desiredFleet({
        name,
        network: { subnets: r.subnets, securityGroups: r.securityGroups },
        image: r.image,
        instances: { type: r.type, ...(r.keyName ? { keyName: r.keyName } : {}), ...(r.userData ? { userData: r.userData } : {}) },
        capacity: r.capacity,
        loadBalancer: { ...base.loadBalancer, name: lbName, listeners: r.listeners, healthCheck: r.healthCheck, connectionDrainingSeconds: r.draining, crossZone: r.crossZone, healthCheckGracePeriodSeconds: r.grace },
        storage: r.storage ? { efs: r.storage } : undefined,
        scaling: r.scaling,
      });
    });
}

/** One subnet per zone, in manifest order (a zone takes one mount target). */
export function subnetPerZone(subnets: string[]): Array<[string, string]> {
  const zones = new Map<string, string>();
  for (const s of subnets) if (!zones.has(SUBNET_ZONES[s])) zones.set(SUBNET_ZONES[s], s);
  return [...zones.entries()];
}

/** convergedWorld(d) with real zones: one mount target per zone, and lifecycle hooks when observed. */
export function convergedFor(d: DesiredFleet, observeHooks: boolean): ObservedFleet {
  const o = convergedWorld(d);
  o.subnetZones = { ...SUBNET_ZONES };
  if (o.fileSystem) {
    o.fileSystem.mountTargets = subnetPerZone(d.network.subnets).map(([zone, subnetId], i) => ({ id: `fsmt-000000000000000${i}`, subnetId, lifeCycleState: 'available', availabilityZone: zone }));
  }
  for (const i of o.groups[0].instances) i.availabilityZone = SUBNET_ZONES[d.network.subnets[0]];
  if (observeHooks) o.groups[0].lifecycleHooks = wantedHooks(d).map((h) => ({ ...h }));
  return o;
}

export function emptyFor(d: DesiredFleet): ObservedFleet {
  return { ...emptyWorld(d.name), subnetZones: { ...SUBNET_ZONES } };
}
