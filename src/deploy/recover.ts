/**
 * Rebuilding a swap from the world when its snapshot is missing or corrupt. Every swap step
 * is idempotent, so resuming means starting the swap machine again with the input the
 * world implies: the newest owned group is green, the next newest is blue, and capacity is
 * the larger of the two (blue may already be at zero). Tags are the ground truth.
 */
import type { DeployPolicy } from '../model/fleet';
import { isOwnedBy } from '../model/names';
import type { ObservedFleet, ObservedGroup } from '../model/observed';
import type { SwapInput } from './machines/swap.machine';

export type SwapRecovery =
  | { action: 'none'; reason: string }
  | { action: 'resume'; input: SwapInput; reason: string };

export function recoverSwap(
  observed: ObservedFleet,
  policy: DeployPolicy,
  opts: { amiId: string; drainingSeconds: number },
): SwapRecovery {
  const groups = observed.groups
    .filter((g) => isOwnedBy(g.tags, observed.name))
    .sort((a, b) => b.generation - a.generation);
  if (groups.length < 2) {
    return { action: 'none', reason: `${groups.length} owned group(s): no swap in flight` };
  }
  const [green, blue] = groups as [ObservedGroup, ObservedGroup];
  return {
    action: 'resume',
    reason: `groups ${blue.name} and ${green.name} both exist: resuming the swap to generation ${green.generation}`,
    input: {
      fleet: observed.name,
      generation: green.generation,
      blueGroup: blue.name,
      amiId: opts.amiId,
      desiredAtStart: Math.max(blue.desired, green.desired),
      healthyTimeoutSeconds: policy.healthyTimeoutSeconds,
      soakSeconds: policy.soakSeconds,
      keepPreviousSeconds: policy.keepPreviousSeconds,
      drainingSeconds: opts.drainingSeconds,
      rollbackOnAlarms: policy.rollbackOnAlarms,
    },
  };
}
