/**
 * Create the event queue and its dead-letter queue: `<name>` redrives to `<name>-dlq` after
 * 5 receives, so a message no parser accepts ends up where a human can read it, never in a
 * hot loop. Idempotent: an existing queue keeps its URL and gets the redrive policy set.
 */
import type { AwsPort } from '../../aws/port';
import { isAlreadyExists, isNotFound } from '../../aws/errors';
import { EventQueueClient, isQueueUrl, sqsEventQueue } from './queue';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import { withContext } from '../../util/errors';

export const MAX_RECEIVE_COUNT = 5;
/** Dead letters are kept for the SQS maximum, 14 days. */
const DLQ_RETENTION_SECONDS = '1209600';

export interface EventQueueInfo {
  name: string;
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

export interface EnsureQueueOptions {
  /** Default 60 s; the poller extends visibility while a handler runs. */
  visibilityTimeoutSeconds?: number;
  logger?: Logger;
  /** Use this port instead of one over `clients.sqs`. */
  queueClient?: EventQueueClient;
}

/** `events` or `https://sqs.eu-west-1.amazonaws.com/123456789012/events` → `events`. */
export function queueNameOf(queue: string): string {
  return isQueueUrl(queue) ? (queue.replace(/\/+$/, '').split('/').pop() ?? queue) : queue;
}

export async function ensureEventQueue(clients: Pick<AwsPort, 'sqs'>, queue: string, opts: EnsureQueueOptions = {}): Promise<EventQueueInfo> {
  const q = opts.queueClient ?? sqsEventQueue(clients.sqs);
  const name = queueNameOf(queue);
  try {
    const existing = await existingQueue(q, name, String(opts.visibilityTimeoutSeconds ?? 60));
    if (existing) return existing;
    const dlqUrl = await createOrFind(q, `${name}-dlq`, { MessageRetentionPeriod: DLQ_RETENTION_SECONDS });
    const dlqArn = (await q.attributes(dlqUrl, ['QueueArn'])).QueueArn;
    const attrs = {
      VisibilityTimeout: String(opts.visibilityTimeoutSeconds ?? 60),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
    };
    const url = await createOrFind(q, name, attrs);
    const arn = (await q.attributes(url, ['QueueArn'])).QueueArn;
    opts.logger?.info({ event: EVENTS.intakeQueueEnsured, queue: name, url, dlqUrl }, `event queue ${name} ready, dead letters to ${name}-dlq`);
    return { name, url, arn, dlqUrl, dlqArn };
  } catch (err) {
    throw withContext(`ensuring event queue ${name}`, err);
  }
}

/**
 * The queue and its dead-letter queue when both exist, the redrive points at it and the
 * visibility timeout is the one asked for: reads only,
 * so re-applying a converged fleet makes no mutating call.
 */
async function existingQueue(q: EventQueueClient, name: string, visibilityTimeout: string): Promise<EventQueueInfo | undefined> {
  try {
    const [url, dlqUrl] = [await q.resolveUrl(name), await q.resolveUrl(`${name}-dlq`)];
    const main = await q.attributes(url, ['QueueArn', 'RedrivePolicy', 'VisibilityTimeout']);
    const dlqArn = (await q.attributes(dlqUrl, ['QueueArn'])).QueueArn;
    const redrive = JSON.parse(main.RedrivePolicy ?? '{}') as { deadLetterTargetArn?: string };
    const right = redrive.deadLetterTargetArn === dlqArn && main.VisibilityTimeout === visibilityTimeout;
    return right ? { name, url, arn: main.QueueArn, dlqUrl, dlqArn } : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** CreateQueue; if the queue exists with other attributes, look it up and set ours. */
async function createOrFind(q: EventQueueClient, name: string, attributes: Record<string, string>): Promise<string> {
  try {
    return await q.create(name, attributes);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const url = await q.resolveUrl(name);
    await q.setAttributes(url, attributes);
    return url;
  }
}
