/**
 * Garbage collection of one fleet: the fleet reconciler's one door into gc/. It runs at two
 * points of a pass:
 * - after converge, every pass: a serving target whose swap record was lost is adopted as
 *   deployed (memory only);
 * - before a rollout starts: what a deployment whose record was lost left in AWS, builder
 *   instances (bake fleets) and launch template versions no group pins.
 * Expired baked images are not collected here: image retention is planned (planner/plan-images)
 * and applied by converge like any other step, so `drover plan` shows it.
 */
import type { DesiredFleet } from '../../model/fleet';
import type { ObservedFleet } from '../../model/observed';
import type { FleetMemoryStore } from '../fleet/fleet-memory';
import { collectBuilders } from './builders';
import type { GcDeps } from './deps';
import { adoptServingTarget } from './serving-target';
import { collectStrayVersions } from './stray-versions';

export type { GcDeps } from './deps';

export class FleetGarbageCollector {
  constructor(
    private readonly deps: GcDeps,
    private readonly memory: FleetMemoryStore,
  ) {}

  /** Every pass, after converge observed the fleet (no AWS call). */
  async afterConverge(fleet: DesiredFleet, observed: ObservedFleet): Promise<void> {
    await adoptServingTarget(this.memory, fleet, observed);
  }

  /** Before a rollout starts (or is found blocked): leftovers of an unfinished deployment. */
  async beforeRollout(fleet: DesiredFleet, observed: ObservedFleet): Promise<void> {
    await collectBuilders(this.deps, fleet);
    await collectStrayVersions(this.deps, fleet, observed);
  }
}
