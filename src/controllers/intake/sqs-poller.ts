/**
 * Long-polls the event queue and hands each parsed event to the controller. Messages are handled
 * in groups: one long poll, and while the queue keeps answering full batches, more receives
 * without waiting (up to `maxMessagesPerCommit`, 300 by default), so a busy queue is drained in groups of many
 * batches and an idle one costs no extra call or latency. The group's messages are handled
 * concurrently as they arrive; then `commit` makes their effects durable (one register write for
 * the whole group), and only then are the handled messages deleted, with DeleteMessageBatch.
 * A crash between the two only causes a redelivery, which the register dedupes. A message no parser
 * accepts is logged and left for the queue's redrive policy to move to the dead-letter queue.
 * While a group is not yet deleted past half the visibility timeout, the visibility of its
 * messages still to be deleted is extended (one heartbeat per group, not per message).
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
  /** Receive more batches without waiting while the queue answers full ones, up to this many messages per commit (default 300: with a register record per fleet, each commit writes every fleet it touched, so fewer, larger commits mean fewer fsyncs). */
  maxMessagesPerCommit?: number;
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
  /** Commits (groups of received batches acknowledged together). */
  commits: number;
  /** Batches not deleted because their commit failed (they will be redelivered). */
  commitFailed: number;
}

const RECEIVE_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, jitter: 0.2 };
const ABORTED = Symbol('aborted');

export class SqsPoller {
  readonly stats: PollerStats = { received: 0, handled: 0, rejected: 0, ignored: 0, duplicates: 0, failed: 0, deleteFailed: 0, deleteCalls: 0, commits: 0, commitFailed: 0 };
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

  /** One long poll, then more receives while batches come full; handles, commits and deletes the group. Returns how many messages arrived. */
  async pollOnce(signal?: AbortSignal): Promise<number> {
    const url = await this.queueUrl();
    const max = this.opts.maxMessages ?? 10;
    const receiving = this.q.receive(url, { maxMessages: max, waitSeconds: this.opts.waitTimeSeconds ?? 20, abortSignal: signal });
    const got = await raceAbort(receiving, signal);
    if (got === ABORTED) {
      // Whatever still arrives goes straight back to the queue for the next poller.
      receiving.then((msgs) => Promise.all(msgs.map((m) => this.q.changeVisibility(url, m.receiptHandle, 0))), () => undefined).catch(() => undefined);
      return 0;
    }
    if (!got.length) return 0;
    const limit = Math.max(max, this.opts.maxMessagesPerCommit ?? 300);
    // Messages still to be deleted: the group's heartbeat keeps them invisible to other pollers.
    const held = new Set<QueueMessage>();
    const stopHeartbeat = new AbortController();
    const heartbeat = this.heartbeat(url, held, stopHeartbeat.signal);
    const handling: Array<Promise<QueueMessage | undefined>> = [];
    let total = 0;
    try {
      for (let batch: QueueMessage[] | undefined = got; batch; ) {
        total += batch.length;
        this.stats.received += batch.length;
        for (const m of batch) {
          held.add(m);
          handling.push(this.process(m).then((ack) => (ack ? m : void held.delete(m))));
        }
        batch = batch.length === max && total + max <= limit && !signal?.aborted ? await this.receiveMore(url, max) : undefined;
      }
      const done = (await Promise.all(handling)).filter((m): m is QueueMessage => !!m);
      await this.acknowledge(url, done);
    } finally {
      stopHeartbeat.abort();
      await heartbeat;
    }
    return total;
  }

  /** A receive without waiting, to fill the group; a failure ends the group (the next long poll reports it). */
  private async receiveMore(url: string, max: number): Promise<QueueMessage[] | undefined> {
    try {
      const more = await this.q.receive(url, { maxMessages: max, waitSeconds: 0 });
      return more.length ? more : undefined;
    } catch (err) {
      this.log.debug({ event: EVENTS.intakeReceiveFailed, err: String(err) }, 'receiving more of a busy queue failed; handling the group received so far');
      return undefined;
    }
  }

  /** Commit the group's effects, then delete its handled messages; a failed commit deletes nothing. */
  private async acknowledge(url: string, done: QueueMessage[]): Promise<void> {
    if (!done.length) return;
    try {
      await this.opts.commit?.();
      this.stats.commits++;
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
      this.inFlight.delete(msg.messageId);
    }
    return true;
  }

  /** Every half visibility timeout until the group is deleted, extend its held messages' visibility by a full timeout. */
  private async heartbeat(url: string, held: Set<QueueMessage>, stop: AbortSignal): Promise<void> {
    const seconds = this.visibilitySeconds ?? 30;
    for (;;) {
      try {
        await this.opts.clock.sleep((seconds * 1000) / 2, stop);
      } catch {
        return;
      }
      if (stop.aborted) return;
      await Promise.all([...held].map((msg) => this.extend(url, msg, seconds)));
    }
  }

  private async extend(url: string, msg: QueueMessage, seconds: number): Promise<void> {
    try {
      await this.q.changeVisibility(url, msg.receiptHandle, seconds);
      this.log.debug({ event: EVENTS.intakeVisibilityExtended, messageId: msg.messageId, seconds }, 'message not yet recorded; visibility extended');
    } catch (err) {
      this.log.warn({ event: EVENTS.intakeVisibilityFailed, messageId: msg.messageId, err: String(err) }, 'extending message visibility failed');
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
