/** Which Auto Scaling group serves the fleet right now, and which AMI it runs. */
import type { DesiredFleet } from '../model/fleet';
import type { ObservedFleet, ObservedGroup } from '../model/observed';

/**
 * The active group: the newest generation attached to the load balancer, else the newest
 * generation. During a blue/green swap the green group becomes active once it is attached
 * (on an ALB/NLB: in the target group the listener serves from, so from cut-over on).
 */
export function activeGroup(observed: ObservedFleet, loadBalancerName?: string): ObservedGroup | undefined {
  const live = observed.groups.filter((g) => g.lifecycle !== 'deleting');
  const newest = (gs: ObservedGroup[]) => [...gs].sort((a, b) => b.generation - a.generation)[0];
  const serving = servingTargetGroupArn(observed);
  const attached = serving
    ? live.filter((g) => g.targetGroupArns?.includes(serving))
    : loadBalancerName ? live.filter((g) => g.loadBalancerNames.includes(loadBalancerName)) : [];
  return newest(attached) ?? newest(live);
}

/** On an ALB/NLB fleet: the target group the listener sends most traffic to (the swap moves it at cut-over). */
function servingTargetGroupArn(observed: ObservedFleet): string | undefined {
  const top = [...(observed.elbv2?.listener?.forward ?? [])].sort((a, b) => b.weight - a.weight)[0];
  if (!top || top.weight <= 0) return undefined;
  return observed.elbv2?.targetGroups.find((t) => t.name === top.targetGroupName)?.arn;
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
