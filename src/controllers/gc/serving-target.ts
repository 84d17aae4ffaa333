/**
 * A swap whose record was lost after blue was deleted leaves the baked target serving with
 * nothing to finish it: remember it as deployed, or a later rollback would fall back to the
 * manifest's pinned AMI instead of this one. Memory only; no AWS call.
 */
import type { DesiredFleet } from '../../model/fleet';
import { isOwnedBy } from '../../model/names';
import type { ObservedFleet } from '../../model/observed';
import { activeAmi, activeGroup } from '../../planner/active-group';
import type { FleetMemoryStore } from '../fleet/fleet-memory';

export async function adoptServingTarget(memory: FleetMemoryStore, fleet: DesiredFleet, observed: ObservedFleet): Promise<void> {
  const target = (await memory.load(fleet.name)).target;
  const live = observed.groups.filter((g) => isOwnedBy(g.tags, fleet.name) && g.lifecycle !== 'deleting');
  if (!target || live.length !== 1 || activeAmi(observed, activeGroup(observed, fleet.loadBalancer.name)) !== target.ami) return;
  await memory.update(fleet.name, (m) => (m.target?.ami === target.ami ? { ...m, target: undefined, deployed: m.target } : m));
}
