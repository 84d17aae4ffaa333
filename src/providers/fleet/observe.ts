/** Observe everything drover owns (or wants to own) for one fleet, translated into model types. */
import type { DesiredFleet } from '../../model/fleet';
import type { NameConflict, ObservedFleet } from '../../model/observed';
import { EVENTS } from '../../log/events';
import type { AwsPort } from '../../aws/port';
import { observeAlarms } from '../scaling/observe';
import { Reader, type ObserveContext } from '../observe-context';
import { observeGroups, observePolicies } from '../autoscaling/observe';
import { observeImages } from '../image/observe';
import { observeLaunchTemplate } from '../launchtemplate/observe';
import { observeLaunchFailures } from '../autoscaling/observe-launch-failures';
import { withLaunchTimes } from '../autoscaling/launch-times';
import { observeGroupHooks } from '../autoscaling/observe-hooks';
import { observeLoadBalancer } from '../loadbalancer/observe';
import { observeElbV2 } from '../targetgroup/observe';
import { observeEfsSecurityGroup, observeFileSystem, observeSubnetZones } from '../storage/observe';
import { batchedPort } from './batched-port';

/**
 * During a resync the fleet's slice of a batch answers most describes (batched-port.ts); any
 * other observe reads the world and forgets what was remembered for the fleet.
 */
async function portFor(aws: AwsPort, fleet: string, ctx: ObserveContext): Promise<{ port: AwsPort; fromBatch: boolean }> {
  const cache = ctx.cache.observations;
  if (!cache) return { port: aws, fromBatch: false };
  const slice = await cache.take(fleet);
  return slice ? { port: batchedPort(aws, slice, cache.memo(fleet)), fromBatch: true } : { port: aws, fromBatch: false };
}

export async function observeFleet(aws: AwsPort, desired: DesiredFleet, ctx: ObserveContext): Promise<ObservedFleet> {
  const fleet = desired.name;
  const { port: clients, fromBatch } = await portFor(aws, fleet, ctx);
  const r = new Reader(ctx, fleet);
  const compute = async () => {
    const g = await observeGroups(clients, fleet, r);
    const [lt, policies] = await Promise.all([
      observeLaunchTemplate(clients, fleet, g.groups, r),
      observePolicies(clients, g.groups, r),
      ctx.lifecycleHooks ? observeGroupHooks(clients, g.groups, r) : undefined,
      observeLaunchFailures(clients, g.groups, r),
      withLaunchTimes(clients, g.groups, r, ctx.cache.launchTimes),
    ]);
    return { g, lt, policies };
  };
  const [{ g, lt, policies }, lb, alarms, fs, sg, subnetZones, images, v2] = await Promise.all([
    compute(),
    desired.loadBalancer.elbv2 ? Promise.resolve({ loadBalancer: undefined, conflict: undefined }) : observeLoadBalancer(clients, desired, r),
    observeAlarms(clients, fleet, r),
    observeFileSystem(clients, fleet, r),
    observeEfsSecurityGroup(clients, fleet, r),
    desired.storage ? observeSubnetZones(clients, desired.network.subnets, r) : Promise.resolve(undefined),
    observeImages(clients, desired, r, !!desired.deletion || !!ctx.deleting),
    observeElbV2(clients, desired, r, !!desired.deletion || !!ctx.deleting),
  ]);
  const conflicts: NameConflict[] = [lb.conflict, v2.conflict, lt.conflict, g.conflict, fs.conflict, sg.conflict, ...alarms.conflicts].filter(
    (c): c is NameConflict => !!c,
  );
  const observed: ObservedFleet = {
    name: fleet,
    ...(lb.loadBalancer ? { loadBalancer: lb.loadBalancer } : {}),
    ...(v2.elbv2 ? { elbv2: v2.elbv2 } : {}),
    ...(lt.launchTemplate ? { launchTemplate: lt.launchTemplate } : {}),
    groups: g.groups,
    ...(fs.fileSystem ? { fileSystem: fs.fileSystem } : {}),
    ...(sg.securityGroup ? { efsSecurityGroup: sg.securityGroup } : {}),
    alarms: alarms.alarms,
    policies,
    conflicts,
    readCalls: r.count,
    ...(subnetZones ? { subnetZones } : {}),
    ...(ctx.lifecycleHooks ? { lifecycleHooksManaged: true } : {}),
    ...(images ? { images } : {}),
    ...(fromBatch ? { fromBatch } : {}),
  };
  ctx.logger.debug({ event: EVENTS.observeDone, fleet, readCalls: r.count, groups: g.groups.length, conflicts: conflicts.length });
  return observed;
}
