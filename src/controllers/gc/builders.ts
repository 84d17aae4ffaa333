/** Builder instances still running after their bake's record was lost: terminated before anything new starts. */
import { sweepBuilders } from '../../deploy/actors';
import { EVENTS } from '../../log/events';
import type { DesiredFleet } from '../../model/fleet';
import type { GcDeps } from './deps';

export async function collectBuilders(deps: GcDeps, fleet: DesiredFleet): Promise<void> {
  if (!fleet.image.bake) return;
  const { clients, logger, sleep, clock } = deps;
  const swept = await sweepBuilders(clients, { logger, sleep, fleet, clock });
  if (swept.length) logger.warn({ event: EVENTS.builderSwept, fleet: fleet.name, instances: swept }, `terminated leftover builder(s) ${swept.join(', ')}`);
}
