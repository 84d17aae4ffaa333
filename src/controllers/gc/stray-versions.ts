/** Launch template versions above the default that no live group pins: made for a deployment whose record was lost. */
import { pruneVersions } from '../../deploy/actors';
import { EVENTS } from '../../log/events';
import type { DesiredFleet } from '../../model/fleet';
import type { ObservedFleet } from '../../model/observed';
import type { GcDeps } from './deps';

export async function collectStrayVersions(deps: GcDeps, fleet: DesiredFleet, observed: ObservedFleet): Promise<void> {
  const lt = observed.launchTemplate;
  if (!lt || lt.latestVersion <= lt.defaultVersion) return;
  const pinned = observed.groups.filter((g) => g.lifecycle !== 'deleting').map((g) => g.launchTemplate?.version);
  if (pinned.includes(String(lt.latestVersion))) return;
  const { clients, logger, sleep, clock } = deps;
  const pruned = await pruneVersions(clients, { logger, sleep, fleet, clock });
  if (pruned.length) logger.warn({ event: EVENTS.deployRecovered, fleet: fleet.name, versions: pruned }, `deleted launch template version(s) ${pruned.join(', ')} left by an unfinished deployment`);
}
