/**
 * Leftovers of a deployment whose record was lost, cleaned before anything new starts: builder
 * instances still running, and launch template versions above the default that no group pins.
 */
import type { AwsPort } from '../../aws/port';
import { pruneVersions, sweepBuilders } from '../../deploy/actors';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import type { DesiredFleet } from '../../model/fleet';
import type { ObservedFleet } from '../../model/observed';
import type { Clock } from '../../util/clock';

export interface StrayCleanupDeps {
  clients: AwsPort;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  clock: Clock;
}

export async function cleanUpStrays(deps: StrayCleanupDeps, fleet: DesiredFleet, observed: ObservedFleet): Promise<void> {
  if (fleet.image.bake) await sweep(deps, fleet);
  await pruneStrayVersions(deps, fleet, observed);
}

async function sweep(deps: StrayCleanupDeps, fleet: DesiredFleet): Promise<void> {
  const { clients, logger, sleep, clock } = deps;
  const swept = await sweepBuilders(clients, { logger, sleep, fleet, clock });
  if (swept.length) logger.warn({ event: EVENTS.builderSwept, fleet: fleet.name, instances: swept }, `terminated leftover builder(s) ${swept.join(', ')}`);
}

/** A template version above the default that no group pins was made for a deployment whose record was lost: prune it. */
async function pruneStrayVersions(deps: StrayCleanupDeps, fleet: DesiredFleet, observed: ObservedFleet): Promise<void> {
  const lt = observed.launchTemplate;
  if (!lt || lt.latestVersion <= lt.defaultVersion) return;
  const pinned = observed.groups.filter((g) => !/Delete/i.test(g.status ?? '')).map((g) => g.launchTemplate?.version);
  if (pinned.includes(String(lt.latestVersion))) return;
  const { clients, logger, sleep, clock } = deps;
  const pruned = await pruneVersions(clients, { logger, sleep, fleet, clock });
  if (pruned.length) logger.warn({ event: EVENTS.deployRecovered, fleet: fleet.name, versions: pruned }, `deleted launch template version(s) ${pruned.join(', ')} left by an unfinished deployment`);
}
