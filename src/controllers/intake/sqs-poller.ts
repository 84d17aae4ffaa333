/**
 * Long-polls the event queue and hands each parsed event to the controller. A received batch is
 * handled concurrently; then `commit` makes the handlers' effects durable (one register write for
 * the whole batch), and only then are the handled messages deleted, with DeleteMessageBatch.
 * A crash between the two only causes a redelivery, which the register dedupes. A message no parser
 * accepts is logged and left for the queue's redrive policy to move to the dead-letter queue.
 * While a handler runs past half the visibility timeout, visibility is extended (heartbeat).
 * All waiting is on the injected clock; an abort stops polling and lets in-flight handlers finish.
 */
import type { AwsPort } from '../../aws/port';
import { EventQueueClient, QueueMessage, sqsEventQueue } from '../../providers/events/queue';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import type { ControllerEvent } from '../../model/events';
import { BackoffPolicy, backoffDelayMs } from '../../util/backoff';
import type { Clock } from '../../util/clock';
import { deleteHandled } from './batch-ack';
import { parseMessage } from './parsers/parse-message';
import { RecentIds } from './recent-ids';
import type { SharedMessageDedupe } from './shared-dedupe';

export type EventHandler = (event: ControllerEvent, msg: QueueMessage) => Promise<void>;

export interface SqsPollerOptions {
  clients: Pick<AwsPort, 'sqs'>;
  /** Queue name or URL. */
  queue: string;
  clock: Clock;
  logger: Logger;
  handler: EventHandler;
  /** Read from the queue when absent. */
  visibilityTimeoutSeconds?: number;
  waitTimeSeconds?: number;
  maxMessages?: number;
  /** Pause after an empty receive. */
  idleDelayMs?: number;
  /** Backoff after failed receives. */
  errorBackoff?: BackoffPolicy;
  random?: () => number;
  dedupeSize?: number;
  /** Use this port instead of one over `clients.sqs`. */
  queueClient?: EventQueueClient;
  /** Shared state (many replicas): handled message ids known to every replica (shared-dedupe.ts). */
  shared?: SharedMessageDedupe;
  /** Make the batch's handled effects durable before its messages are deleted (e.g. one bake-register write). */
  commit?: () => void | Promise<void>;
}

export interface PollerStats {
  received: number;
  handled: number;
  rejected: number;
  ignored: number;
  duplicates: number;
  failed: number;
  /** Handled messages SQS did not delete (logged; a redelivery is deduped). */
  deleteFailed: number;
  /** DeleteMessageBatch calls. */
  deleteCalls: number;
  /** Batches not deleted because their commit failed (they will be redelivered). */
  commitFailed: number;
}

const RECEIVE_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, jitter: 0.2 };
const ABORTED = Symbol('aborted');

export class SqsPoller {
  readonly stats: PollerStats = { received: 0, handled: 0, rejected: 0, ignored: 0, duplicates: 0, failed: 0, deleteFailed: 0, deleteCalls: 0, commitFailed: 0 };
  private readonly q: EventQueueClient;
  private readonly log: Logger;
  private readonly handledIds: RecentIds;
  private readonly inFlight = new Set<string>();
  private url?: string;
  private visibilitySeconds?: number;
  private receiveFailures = 0;

  constructor(private readonly opts: SqsPollerOptions) {
    this.q = opts.queueClient ?? sqsEventQueue(opts.clients.sqs);
    this.log = opts.logger.child({ component: 'intake' });
    this.handledIds = new RecentIds(opts.dedupeSize ?? 1000);
  }

  /** Poll until `signal` aborts; resolves once in-flight handlers have finished. */
  async run(signal: AbortSignal): Promise<void> {
    this.log.info({ event: EVENTS.intakeStarted, queue: this.opts.queue }, `polling ${this.opts.queue}`);
    while (!signal.aborted) {
      let received: number;
      try {
        received = await this.pollOnce(signal);
        this.receiveFailures = 0;
      } catch (err) {
        const delayMs = backoffDelayMs(++this.receiveFailures, this.opts.errorBackoff ?? RECEIVE_BACKOFF, this.opts.random);
        this.log.warn({ event: EVENTS.intakeReceiveFailed, err: String(err), delayMs, failures: this.receiveFailures }, `receiving events failed; retrying in ${delayMs} ms`);
        await this.pause(delayMs, signal);
        continue;
      }
      if (received === 0) await this.pause(this.opts.idleDelayMs ?? 1_000, signal);
    }
    this.log.info({ event: EVENTS.intakeStopped, queue: this.opts.queue }, 'stopped polling');
  }

  /** One receive and the handling of its batch. Returns how many messages arrived. */
  async pollOnce(signal?: AbortSignal): Promise<number> {
    const url = await this.queueUrl();
    const receiving = this.q.receive(url, {
      maxMessages: this.opts.maxMessages ?? 10,
      waitSeconds: this.opts.waitTimeSeconds ?? 20,
      abortSignal: signal,
    });
    const got = await raceAbort(receiving, signal);
    if (got === ABORTED) {
      // Whatever still arrives goes straight back to the queue for the next poller.
      receiving.then((msgs) => Promise.all(msgs.map((m) => this.q.changeVisibility(url, m.receiptHandle, 0))), () => undefined).catch(() => undefined);
      return 0;
    }
    this.stats.received += got.length;
    const acks = await Promise.all(got.map((m) => this.process(m)));
    await this.acknowledge(url, got.filter((_, i) => acks[i]));
    return got.length;
  }

  /** Commit the batch's effects, then delete its handled messages; a failed commit deletes nothing. */
  private async acknowledge(url: string, done: QueueMessage[]): Promise<void> {
    if (!done.length) return;
    try {
      await this.opts.commit?.();
    } catch (err) {
      this.stats.commitFailed++;
      this.log.warn({ event: EVENTS.intakeDeleteFailed, messages: done.length, err: String(err) }, `recording ${done.length} handled messages failed: ${(err as Error).message}; leaving them on the queue for redelivery`);
      return;
    }
    const r = await deleteHandled(this.q, url, done, this.log);
    this.stats.deleteFailed += r.failed;
    this.stats.deleteCalls += r.calls;
  }

  private async queueUrl(): Promise<string> {
    this.url ??= await this.q.resolveUrl(this.opts.queue);
    if (this.visibilitySeconds === undefined) {
      const configured = this.opts.visibilityTimeoutSeconds ?? Number((await this.q.attributes(this.url, ['VisibilityTimeout'])).VisibilityTimeout);
      this.visibilitySeconds = Number.isFinite(configured) && configured > 0 ? configured : 30;
    }
    return this.url;
  }

  /** Handle one message; true when it is done with and may be deleted. */
  private async process(msg: QueueMessage): Promise<boolean> {
    const ids = { messageId: msg.messageId, receiveCount: msg.receiveCount };
    if (this.inFlight.has(msg.messageId)) {
      this.stats.duplicates++;
      this.log.debug({ event: EVENTS.intakeMessageDuplicate, ...ids }, 'message is already being handled');
      return false;
    }
    if (this.handledIds.has(msg.messageId)) {
      this.stats.duplicates++;
      this.log.info({ event: EVENTS.intakeMessageDuplicate, ...ids }, 'duplicate delivery of a handled message; deleting it');
      return true;
    }
    const parsed = parseMessage(msg.body, { messageId: msg.messageId, headers: msg.attributes, sentTimestampMs: msg.sentTimestampMs });
    if (!parsed.ok && !parsed.ignored) {
      this.stats.rejected++;
      this.log.warn({ event: EVENTS.intakeMessageRejected, ...ids, reason: parsed.reason }, `rejecting message: ${parsed.reason}`);
      return false;
    }
    if (!parsed.ok) {
      this.stats.ignored++;
      this.log.info({ event: EVENTS.intakeMessageIgnored, ...ids, reason: parsed.reason }, parsed.reason);
      this.handledIds.add(msg.messageId);
      return true;
    }
    // A store that cannot answer must not stop intake: handle it (handlers are idempotent).
    if (this.opts.shared && (await this.opts.shared.claim(msg.messageId).catch(() => 'fresh')) === 'handled') {
      this.stats.duplicates++;
      this.handledIds.add(msg.messageId);
      this.log.info({ event: EVENTS.intakeMessageDuplicate, ...ids }, 'duplicate delivery of a message another replica handled; deleting it');
      return true;
    }
    return this.handle(msg, parsed.event);
  }

  private async handle(msg: QueueMessage, event: ControllerEvent): Promise<boolean> {
    this.inFlight.add(msg.messageId);
    const stopHeartbeat = new AbortController();
    const heartbeat = this.heartbeat(this.url!, msg, stopHeartbeat.signal);
    try {
      await this.opts.handler(event, msg);
      await this.opts.shared?.handled(msg.messageId);
      this.handledIds.add(msg.messageId);
      this.stats.handled++;
      this.log.debug({ event: EVENTS.intakeMessageHandled, messageId: msg.messageId, kind: event.kind }, `handled ${event.kind}`);
    } catch (err) {
      this.stats.failed++;
      await this.opts.shared?.release(msg.messageId).catch(() => undefined);
      this.log.warn({ event: EVENTS.intakeHandlerFailed, messageId: msg.messageId, kind: event.kind, err: String(err) }, `handling ${event.kind} failed; the message will be redelivered`);
      return false;
    } finally {
      stopHeartbeat.abort();
      await heartbeat;
      this.inFlight.delete(msg.messageId);
    }
    return true;
  }

  /** Every half visibility timeout while the handler runs, extend visibility by a full timeout. */
  private async heartbeat(url: string, msg: QueueMessage, stop: AbortSignal): Promise<void> {
    const seconds = this.visibilitySeconds ?? 30;
    for (;;) {
      try {
        await this.opts.clock.sleep((seconds * 1000) / 2, stop);
      } catch {
        return;
      }
      if (stop.aborted) return;
      try {
        await this.q.changeVisibility(url, msg.receiptHandle, seconds);
        this.log.debug({ event: EVENTS.intakeVisibilityExtended, messageId: msg.messageId, seconds }, 'handler still running; visibility extended');
      } catch (err) {
        this.log.warn({ event: EVENTS.intakeVisibilityFailed, messageId: msg.messageId, err: String(err) }, 'extending message visibility failed');
      }
    }
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    await this.opts.clock.sleep(ms, signal).catch(() => undefined);
  }
}

function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T | typeof ABORTED> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
