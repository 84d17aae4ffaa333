/** Starting a rolling deployment: make the template version first (idempotent), then refresh the group in place. */
import type { AwsClients } from '../cloud/clients';
import { prepareRollingVersion } from '../cloud/deploy';
import type { Logger } from '../log/logger';
import type { DesiredFleet } from '../model/fleet';
import type { ObservedFleet } from '../model/observed';
import { activeGroup } from '../planner/active-group';
import type { Clock } from '../util/clock';

export async function rollingInput(
  clients: AwsClients,
  ctx: { logger: Logger; sleep: (ms: number) => Promise<void>; clock: Clock },
  fleet: DesiredFleet,
  observed: ObservedFleet,
  toAmi: string,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const group = activeGroup(observed, fleet.loadBalancer.name);
  if (!group) return undefined;
  const { version, previousVersion } = await prepareRollingVersion(clients, { ...ctx, fleet }, { amiId: toAmi, deploymentId: id });
  const pinned = Number(group.launchTemplate?.version);
  return {
    fleet: fleet.name,
    groupName: group.name,
    launchTemplateVersion: version,
    previousVersion: previousVersion ?? (Number.isFinite(pinned) ? pinned : version),
    minHealthyPercent: fleet.deploy.minHealthyPercent,
    // A refresh replaces instances in batches; allow each instance its own healthy timeout.
    timeoutSeconds: fleet.deploy.healthyTimeoutSeconds * Math.max(1, group.desired),
    amiId: toAmi,
  };
}
