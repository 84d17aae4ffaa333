/**
 * `--live`: status observed from AWS (or the simulated account) right now, for the fleets of
 * the manifests last applied with this state directory. A dry-run reconcile observes, plans
 * and assesses readiness; nothing is changed and nothing is written.
 */
import { OwnershipCache } from '../providers/observe';
import { converge } from '../controllers/fleet/converge';
import { nextFleetStatus } from '../controllers/fleet/status-writer';
import { loadManifestFile } from '../manifest';
import type { FleetStatus } from '../model/fleet-status';
import { FileStatusStore } from '../status/status-store';
import { DroverError } from '../util/errors';
import type { CommandContext } from './cli-support';
import { openCliState } from './cli-state';
import { openRuntime } from './runtime';
import { lastApplied } from './state-dir';

export async function observeLiveStatus(ctx: CommandContext): Promise<FleetStatus[]> {
  const files = lastApplied(ctx.stateDir);
  if (!files?.length) {
    throw new DroverError(`observing fleets live: nothing has been applied with state directory ${ctx.stateDir}`, { code: 'NothingApplied', source: 'user' });
  }
  const fleets = files.flatMap((f) => loadManifestFile(f));
  // Read-only: no lock, nothing written (a running daemon may hold the state directory).
  const rt = openRuntime({ sim: !!ctx.global.sim, stateDir: ctx.stateDir, region: fleets[0]?.region, logger: ctx.logger, readOnly: true });
  const store = new FileStatusStore(openCliState(ctx).store);
  const out: FleetStatus[] = [];
  for (const fleet of fleets) {
    const logger = ctx.logger.child({ fleet: fleet.name, component: 'cli' });
    const deps = { clients: rt.clients, logger, sleep: rt.sleep, ownershipCache: new OwnershipCache(), calls: rt.clients.calls };
    const result = await converge(fleet, deps, { dryRun: true });
    out.push(nextFleetStatus(await store.load(fleet.name), fleet, result, new Date(rt.clock.nowMs())));
  }
  return out;
}
