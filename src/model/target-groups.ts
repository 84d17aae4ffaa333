/**
 * Names drover gives an ELBv2 fleet's two target groups. A fleet on an ALB/NLB owns exactly two,
 * by colour rather than by generation: `<fleet>-blue` and `<fleet>-green`. A swap attaches the
 * new Auto Scaling group to whichever group does not serve, then moves the listener's weights, so
 * the colours alternate between serving and standby. Target group names are at most 32
 * characters, so the fleet part is cut to 26.
 */
import type { ObservedFleet, ObservedLoadBalancer } from './observed';

export type TargetGroupColour = 'blue' | 'green';

export const TARGET_GROUP_COLOURS: readonly TargetGroupColour[] = ['blue', 'green'];

export function targetGroupName(fleet: string, colour: TargetGroupColour): string {
  return `${fleet.slice(0, 26).replace(/-+$/, '')}-${colour}`;
}

export function otherColour(colour: TargetGroupColour): TargetGroupColour {
  return colour === 'blue' ? 'green' : 'blue';
}

/**
 * The instances behind the fleet's load balancer and their health, Classic-shaped: the Classic
 * ELB's list, or on an ALB/NLB the targets of both target groups (healthy is InService; initial,
 * unhealthy and unavailable are OutOfService; draining and unused targets no longer count).
 */
export function loadBalancerInstances(observed: ObservedFleet | undefined): ObservedLoadBalancer['instances'] {
  if (!observed) return [];
  if (!observed.elbv2) return observed.loadBalancer?.instances ?? [];
  const out = new Map<string, ObservedLoadBalancer['instances'][number]>();
  for (const tg of observed.elbv2.targetGroups) {
    for (const t of tg.targets) {
      if (t.state === 'draining' || t.state === 'unused') continue;
      const state = t.state === 'healthy' ? 'InService' : 'OutOfService';
      if (out.get(t.id)?.state !== 'InService') out.set(t.id, { id: t.id, state });
    }
  }
  return [...out.values()];
}
