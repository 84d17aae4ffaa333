/** Which Auto Scaling group serves the fleet right now, and which AMI it runs. */
import type { DesiredFleet } from '../model/fleet';
import type { ObservedFleet, ObservedGroup } from '../model/observed';

/**
 * The active group: the newest generation attached to the load balancer, else the newest
 * generation. During a blue/green swap the green group becomes active once it is attached.
 */
export function activeGroup(observed: ObservedFleet, loadBalancerName?: string): ObservedGroup | undefined {
  const live = observed.groups.filter((g) => g.lifecycle !== 'deleting');
  const newest = (gs: ObservedGroup[]) => [...gs].sort((a, b) => b.generation - a.generation)[0];
  const attached = loadBalancerName ? live.filter((g) => g.loadBalancerNames.includes(loadBalancerName)) : [];
  return newest(attached) ?? newest(live);
}

/** The AMI the manifest asks for: a pinned AMI, else the bake recipe's base AMI. */
export function desiredAmi(desired: DesiredFleet): string {
  return desired.image.ami ?? desired.image.bake?.baseAmi ?? '';
}

/** The AMI the active group launches: the image of the launch template version it pins. */
export function activeAmi(observed: ObservedFleet, group: ObservedGroup | undefined): string | undefined {
  const lt = observed.launchTemplate;
  if (!lt) return undefined;
  const version = group?.launchTemplate?.id === lt.id ? group.launchTemplate.version : undefined;
  if (version && /^\d+$/.test(version)) return lt.versionImages?.[version] ?? (Number(version) === lt.defaultVersion ? lt.imageId : undefined);
  return lt.imageId;
}
