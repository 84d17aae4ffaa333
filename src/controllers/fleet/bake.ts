/**
 * Bake, a sub-reconciler of the fleet reconciler: records a requested commit in the fleet's
 * memory and starts its bake once nothing else deploys. The request stays until the bake
 * ends (finishDeployment clears it): if the bake's record is lost in a crash, the next pass
 * bakes again instead of forgetting the commit.
 */
import type { RunningDeployment } from '../../deploy/runner';
import type { DesiredFleet } from '../../model/fleet';
import type { ObservedFleet } from '../../model/observed';
import { bakeInput, deploymentId } from './deployment-inputs';
import { deploymentMachine, type FleetScope } from './scope';

export class Bake {
  constructor(private readonly scope: FleetScope) {}

  /** Record a bake request; a later pass starts it. */
  async request(fleet: DesiredFleet, commit: { sha: string; at: string; messageId?: string }): Promise<void> {
    await this.scope.memory.update(fleet.name, (m) => ({ ...m, pendingBake: { commit: commit.sha, at: commit.at, ...(commit.messageId ? { messageId: commit.messageId } : {}) } }));
  }

  start(fleet: DesiredFleet, observed: ObservedFleet, commit: string): RunningDeployment | undefined {
    const { deps, runner } = this.scope;
    const id = deploymentId('bake', deps.clock.now(), commit.slice(0, 12));
    const input = bakeInput(fleet, observed, commit, id);
    if (!input) return undefined;
    return runner.start(deploymentMachine(deps, fleet, 'bake'), { fleet: fleet.name, kind: 'bake', id, input: { ...input } });
  }
}
