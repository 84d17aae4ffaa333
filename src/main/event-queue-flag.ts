/** The daemon's event queue: `--queue`, else the one the fleets' `spec.events.queue` name. */
import type { AwsPort } from '../aws/port';
import { backoffDelay, DEFAULT_RETRY } from '../aws/call';
import { isTransient } from '../aws/errors';
import { EVENTS } from '../log/events';
import type { Logger } from '../log/logger';
import type { DesiredFleet } from '../model/fleet';
import { ensureEventQueue, type EventQueueInfo } from '../providers/events/ensure-queue';
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

/** The event queue, retried while SQS throttles or fails (a throttle at start must not end the daemon). */
export async function ensureQueueRetrying(clients: AwsPort, queue: string, o: { logger: Logger; sleep(ms: number): Promise<void>; random?: () => number }): Promise<EventQueueInfo> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensureEventQueue(clients, queue, { logger: o.logger });
    } catch (err) {
      if (!isTransient((err as { cause?: unknown }).cause ?? err) || attempt >= DEFAULT_RETRY.maxAttempts) throw err;
      const delayMs = backoffDelay(attempt, DEFAULT_RETRY, o.random);
      o.logger.warn({ event: EVENTS.awsRetry, attempt, delayMs }, `${(err as Error).message}; retrying in ${delayMs} ms`);
      await o.sleep(delayMs);
    }
  }
}
