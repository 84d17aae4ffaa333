/**
 * The input of a rolling deployment. It touches no AWS: the machine's first step makes the
 * launch template version (idempotent), after its snapshot is saved, then refreshes the group.
 */
import type { DesiredFleet } from '../../model/fleet';
import type { ObservedFleet } from '../../model/observed';
import { activeGroup } from '../../planner/active-group';

export function rollingInput(fleet: DesiredFleet, observed: ObservedFleet, toAmi: string, id: string): Record<string, unknown> | undefined {
  const group = activeGroup(observed, fleet.loadBalancer.name);
  if (!group) return undefined;
  const pinned = Number(group.launchTemplate?.version);
  return {
    fleet: fleet.name,
    groupName: group.name,
    deploymentId: id,
    ...(Number.isFinite(pinned) ? { pinnedVersion: pinned } : {}),
    minHealthyPercent: fleet.deploy.minHealthyPercent,
    // A refresh replaces instances in batches; allow each instance its own healthy timeout.
    timeoutSeconds: fleet.deploy.healthyTimeoutSeconds * Math.max(1, group.desired),
    amiId: toAmi,
  };
}
