/** The daemon's event queue: `--queue`, else the one the fleets' spec.events.queue names. */
import type { DesiredFleet } from '../model/fleet';
import { DroverError } from '../util/errors';

/** The queue the fleets ask for; all that name one must agree. */
export function resolveEventQueue(flag: string | undefined, fleets: DesiredFleet[]): string | undefined {
  if (flag) return flag;
  const named = fleets.filter((f) => f.events?.queue);
  const queues = [...new Set(named.map((f) => f.events!.queue))];
  if (queues.length > 1) {
    const list = named.map((f) => `${f.name}: ${f.events!.queue}`).join(', ');
    throw new DroverError(`starting daemon: fleets name different event queues (${list}); pass --queue or make them agree`, { code: 'QueueConflict', source: 'user' });
  }
  return queues[0];
}
