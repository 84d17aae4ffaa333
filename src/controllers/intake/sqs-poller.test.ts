import { createAwsPort } from '../../aws/clients';
import { sqsEventQueue } from '../../providers/events/queue';
import { createMemoryLogger } from '../../log/logger';
import type { ControllerEvent } from '../../model/events';
import { createSimPlugin, SimAccount } from '../../sim';
import { seededRandom } from '../../util/backoff';
import { ensureEventQueue } from '../../providers/events/ensure-queue';
import { SqsPoller } from './sqs-poller';
import { mergeRequestHook, SHA_A } from '../../bench/payloads';

const flush = async (turns = 10) => {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

async function setup(handler?: (e: ControllerEvent) => Promise<void>) {
  const sim = new SimAccount({ seed: 5 });
  const clients = createAwsPort({ plugin: createSimPlugin(sim), region: 'eu-west-1' });
  const logger = createMemoryLogger();
  const info = await ensureEventQueue(clients, 'drover-events', { visibilityTimeoutSeconds: 30 });
  const seen: ControllerEvent[] = [];
  const poller = new SqsPoller({
    clients,
    queue: info.url,
    clock: sim.clock,
    logger,
    random: seededRandom(1),
    handler: handler ?? (async (e) => void seen.push(e)),
  });
  const queue = sqsEventQueue(clients.sqs);
  const send = (body: string, attrs: Record<string, string> = {}) => queue.send(info.url, body, attrs);
  const calls = (op: string) => sim.calls.filter((c) => c.service === 'SQS' && c.operation === op);
  return { sim, clients, logger, info, poller, seen, send, calls };
}

const GITLAB_MERGE = { 'X-Gitlab-Event': 'Merge Request Hook', 'drover-source': 'gitlab' };

describe('ensureEventQueue', () => {
  it('creates the queue and its dead-letter queue with a redrive policy, idempotently, by name or URL', async () => {
    const { sim, clients, info } = await setup();
    expect(info).toMatchObject({
      url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/drover-events',
      arn: 'arn:aws:sqs:eu-west-1:123456789012:drover-events',
      dlqUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/drover-events-dlq',
    });
    const attrs = await sqsEventQueue(clients.sqs).attributes(info.url, ['RedrivePolicy']);
    expect(JSON.parse(attrs.RedrivePolicy)).toEqual({ deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:drover-events-dlq', maxReceiveCount: 5 });
    expect(await ensureEventQueue(clients, info.url, { visibilityTimeoutSeconds: 30 })).toEqual(info);
    // A queue created by hand with other attributes keeps its URL and gets the policy.
    expect((await ensureEventQueue(clients, 'drover-events', { visibilityTimeoutSeconds: 90 })).url).toBe(info.url);
    expect(sim.snapshot().queues['drover-events'].attributes.VisibilityTimeout).toBe('90');
  });
});

describe('SqsPoller', () => {
  it('hands a relayed merge to the handler and deletes it only afterwards', async () => {
    const { sim, poller, seen, send, calls } = await setup();
    await send(JSON.stringify(mergeRequestHook()), GITLAB_MERGE);
    expect(await poller.pollOnce()).toBe(1);
    expect(seen).toEqual([expect.objectContaining({ kind: 'merge_requested', commit: SHA_A })]);
    expect(sim.peekQueue('drover-events')).toEqual([]);
    const receive = calls('ReceiveMessage')[0].input as any;
    expect(receive).toMatchObject({ WaitTimeSeconds: 20, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'] });
  });

  it('logs and leaves a message no parser accepts, so the redrive policy moves it to the dead-letter queue', async () => {
    const { sim, poller, logger, send, seen } = await setup();
    const { messageId } = await send('{not json');
    for (let i = 0; i < 5; i++) {
      expect(await poller.pollOnce()).toBe(1);
      sim.advance(30_000);
    }
    expect(logger.events('intake.message_rejected')).toHaveLength(5);
    expect(logger.events('intake.message_rejected')[0]).toMatchObject({ messageId, reason: expect.stringContaining('not JSON'), level: 'warn' });
    const sixth = poller.pollOnce();
    await flush();
    sim.advance(20_000);
    expect(await sixth).toBe(0);
    expect(sim.peekQueue('drover-events')).toHaveLength(0);
    expect(sim.peekQueue('drover-events-dlq')).toHaveLength(1);
    expect(seen).toEqual([]);
  });

  it('deletes ignored messages without calling the handler', async () => {
    const { sim, poller, logger, send, seen } = await setup();
    await send(JSON.stringify(mergeRequestHook({ action: 'close' })), GITLAB_MERGE);
    await poller.pollOnce();
    expect(seen).toEqual([]);
    expect(logger.events('intake.message_ignored')).toHaveLength(1);
    expect(sim.peekQueue('drover-events')).toEqual([]);
  });

  it('keeps a message whose handler failed, and handles it on redelivery', async () => {
    let attempts = 0;
    const { sim, poller, logger, send } = await setup(async () => {
      if (++attempts === 1) throw new Error('state store unavailable');
    });
    await send(JSON.stringify(mergeRequestHook()), GITLAB_MERGE);
    await poller.pollOnce();
    expect(logger.events('intake.handler_failed')).toHaveLength(1);
    expect(sim.peekQueue('drover-events')).toHaveLength(1);
    sim.advance(30_000);
    await poller.pollOnce();
    expect(attempts).toBe(2);
    expect(sim.peekQueue('drover-events')).toEqual([]);
  });

  it('gives a duplicate delivery no effect', async () => {
    const { sim, poller, send, seen, logger } = await setup();
    await send(JSON.stringify(mergeRequestHook()), GITLAB_MERGE);
    sim.failNext('SQS', 'DeleteMessageBatch', 'InternalError', 3);
    await poller.pollOnce();
    expect(logger.events('intake.delete_failed')).toHaveLength(1);
    sim.advance(30_000);
    await poller.pollOnce();
    expect(seen).toHaveLength(1);
    expect(logger.events('intake.message_duplicate')).toHaveLength(1);
    expect(sim.peekQueue('drover-events')).toEqual([]);
  });

  it('extends visibility while a slow handler runs, and deletes after it resolves', async () => {
    let release!: () => void;
    const { sim, clients, info, poller, send, calls } = await setup(() => new Promise<void>((resolve) => (release = resolve)));
    await send(JSON.stringify(mergeRequestHook()), GITLAB_MERGE);
    const polling = poller.pollOnce();
    await flush();
    for (let i = 0; i < 4; i++) {
      sim.advance(15_000);
      await flush();
    }
    expect(calls('ChangeMessageVisibility').map((c) => (c.input as any).VisibilityTimeout)).toEqual([30, 30, 30, 30]);
    expect(sim.peekQueue('drover-events')).toHaveLength(1);
    // 60 s after receipt with a 30 s visibility timeout, nobody else can see it.
    expect(await sqsEventQueue(clients.sqs).receive(info.url, { maxMessages: 10, waitSeconds: 0 })).toEqual([]);
    release();
    expect(await polling).toBe(1);
    expect(sim.peekQueue('drover-events')).toEqual([]);
    sim.advance(60_000);
    await flush();
    expect(calls('ChangeMessageVisibility')).toHaveLength(4);
  });

  it('runs until aborted without polling hot, and backs off after a failed receive', async () => {
    const { sim, poller, logger, calls } = await setup();
    sim.failNext('SQS', 'ReceiveMessage', 'InternalError');
    const ac = new AbortController();
    const running = poller.run(ac.signal);
    await flush();
    expect(logger.events('intake.receive_failed')).toHaveLength(1);
    expect(calls('ReceiveMessage')).toHaveLength(1);
    for (let t = 0; t < 120; t++) {
      sim.advance(1_000);
      await flush(3);
    }
    // One failed receive, ~1 s backoff, then 20 s long polls each followed by a 1 s pause.
    const receives = calls('ReceiveMessage').length;
    expect(receives).toBeGreaterThanOrEqual(5);
    expect(receives).toBeLessThanOrEqual(7);
    const times = calls('ReceiveMessage').map((c) => c.atMs);
    const gaps = times.slice(1).map((at, i) => at - times[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(800);
    expect(gaps[0]).toBeLessThanOrEqual(1_000);
    expect(gaps.slice(1).every((g) => g >= 21_000)).toBe(true);
    ac.abort();
    await running;
    expect(logger.events('intake.stopped')).toHaveLength(1);
  });

  it('on abort, finishes the in-flight handler and deletes its message before stopping', async () => {
    let release!: () => void;
    const { sim, poller, send } = await setup(() => new Promise<void>((resolve) => (release = resolve)));
    await send(JSON.stringify(mergeRequestHook()), GITLAB_MERGE);
    const ac = new AbortController();
    let stopped = false;
    const running = poller.run(ac.signal).then(() => (stopped = true));
    await flush();
    ac.abort();
    await flush();
    expect(stopped).toBe(false);
    release();
    await running;
    expect(sim.peekQueue('drover-events')).toEqual([]);
    expect(poller.stats).toMatchObject({ received: 1, handled: 1 });
  });
});
