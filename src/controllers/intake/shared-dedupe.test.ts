/**
 * Intake with many replicas (issue 13): a message redelivered to another replica after the
 * first handled it is a duplicate there (deleted, not handled again); a failed handling
 * releases the id so the redelivery is handled; relay delivery keys are shared the same way.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mergeRequestHook } from '../../bench/payloads';
import { createMemoryLogger } from '../../log/logger';
import type { ControllerEvent } from '../../model/events';
import type { EventQueueClient, QueueMessage } from '../../providers/events/queue';
import { LocalStateStore } from '../../state/local/local-store';
import { VirtualClock } from '../../util/clock';
import type { AwsPort } from '../../aws/port';
import { SqsPoller } from './sqs-poller';
import { storeMessageDedupe, StoreDeliveryWindow } from './shared-dedupe';

const URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/drover-events';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function world() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-dedupe-'));
  dirs.push(dir);
  const store = new LocalStateStore(dir);
  const clock = new VirtualClock();
  const msg: QueueMessage = { messageId: 'm-1', receiptHandle: 'rh', body: JSON.stringify(mergeRequestHook()), attributes: { 'X-Gitlab-Event': 'Merge Request Hook', 'drover-source': 'gitlab' }, receiveCount: 1 };
  /** Every replica's receive returns the same message once (a redelivery to each). */
  const replica = (handler: (e: ControllerEvent) => Promise<void>) => {
    let given = false;
    const deleted: string[] = [];
    const q = {
      resolveUrl: async () => URL,
      attributes: async () => ({ VisibilityTimeout: '30' }),
      receive: async () => (given ? [] : ((given = true), [msg])),
      delete: async () => undefined,
      deleteBatch: async (_u: string, entries: Array<{ id: string }>) => (deleted.push(...entries.map((e) => e.id)), []),
      changeVisibility: async () => undefined,
    } as unknown as EventQueueClient;
    const poller = new SqsPoller({ clients: {} as AwsPort, queue: URL, clock, logger: createMemoryLogger(), queueClient: q, handler, shared: storeMessageDedupe(store, clock) });
    return { poller, deleted };
  };
  return { store, clock, replica };
}

it('handles a message once across replicas, and deletes the redelivery as a duplicate', async () => {
  const w = world();
  const handled: string[] = [];
  const a = w.replica(async () => void handled.push('a'));
  const b = w.replica(async () => void handled.push('b'));
  await a.poller.pollOnce();
  await b.poller.pollOnce();
  expect(handled).toEqual(['a']);
  expect(b.poller.stats.duplicates).toBe(1);
  expect(b.deleted).toHaveLength(1);
});

it('releases a message whose handling failed, so another replica handles the redelivery', async () => {
  const w = world();
  const handled: string[] = [];
  const a = w.replica(async () => {
    throw new Error('register unavailable');
  });
  const b = w.replica(async () => void handled.push('b'));
  await a.poller.pollOnce();
  expect(a.poller.stats.failed).toBe(1);
  await b.poller.pollOnce();
  expect(handled).toEqual(['b']);
});

it('shares relay delivery keys: a retry reaching another replica gets the first MessageId', async () => {
  const w = world();
  const one = new StoreDeliveryWindow(w.store, w.clock);
  const two = new StoreDeliveryWindow(w.store, w.clock);
  expect(await one.claim('idem-1')).toEqual({ fresh: true });
  await one.confirm('idem-1', 'msg-42');
  expect(await two.claim('idem-1')).toEqual({ fresh: false, messageId: 'msg-42' });
  expect(await two.claim('idem-2')).toEqual({ fresh: true });
  await two.release('idem-2');
  expect(await one.claim('idem-2')).toEqual({ fresh: true });
});
