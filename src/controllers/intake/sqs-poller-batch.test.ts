import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsPort } from '../../aws/clients';
import { EventQueueClient, sqsEventQueue } from '../../providers/events/queue';
import { BakeRegisterStore } from './bake-register-store';
import { createMemoryLogger, nullLogger } from '../../log/logger';
import type { ControllerEvent } from '../../model/events';
import { createSimPlugin, SimAccount } from '../../sim';
import { seededRandom } from '../../util/backoff';
import { ensureEventQueue } from '../../providers/events/ensure-queue';
import { SqsPoller } from './sqs-poller';
import { mergeRequestHook } from '../../bench/payloads';

const GITLAB_MERGE = { 'X-Gitlab-Event': 'Merge Request Hook', 'drover-source': 'gitlab' };

async function setup(count: number) {
  const sim = new SimAccount({ seed: 9 });
  const clients = createAwsPort({ plugin: createSimPlugin(sim), region: 'eu-west-1' });
  const info = await ensureEventQueue(clients, 'drover-events', { visibilityTimeoutSeconds: 30 });
  const real = sqsEventQueue(clients.sqs);
  for (let i = 0; i < count; i++) await real.send(info.url, JSON.stringify(mergeRequestHook()), GITLAB_MERGE);
  const calls = (op: string) => sim.calls.filter((c) => c.service === 'SQS' && c.operation === op);
  return { sim, clients, info, real, calls };
}

function poller(env: Awaited<ReturnType<typeof setup>>, o: { handler: (e: ControllerEvent, m: { messageId: string }) => Promise<void>; commit?: () => void; queueClient?: EventQueueClient; logger?: ReturnType<typeof createMemoryLogger> }) {
  return new SqsPoller({ clients: env.clients, queue: env.info.url, clock: env.sim.clock, logger: o.logger ?? nullLogger, random: seededRandom(1), handler: o.handler, commit: o.commit, queueClient: o.queueClient });
}

/** A bake register in a temp dir, as the daemon keeps it (group commit). */
function register() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-poller-batch-'));
  const file = path.join(dir, 'bake-register.json');
  const open = () => new BakeRegisterStore(file, nullLogger, { groupCommit: true }).reload();
  return { file, open, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe('SqsPoller batches', () => {
  it('commits a received batch once, then deletes it with one DeleteMessageBatch', async () => {
    const env = await setup(10);
    const reg = register();
    const store = await reg.open();
    const order: string[] = [];
    const p = poller(env, {
      handler: async (e, m) => void store.request('shop', { commit: (e as any).commit, at: e.at, messageId: m.messageId }),
      commit: async () => {
        order.push(`commit with ${env.sim.peekQueue('drover-events').length} on the queue`);
        await store.commit();
      },
    });
    expect(await p.pollOnce()).toBe(10);
    expect(order).toEqual(['commit with 10 on the queue']);
    expect(store.writes).toBe(1);
    expect(JSON.parse(fs.readFileSync(reg.file, 'utf8')).fleets.shop.seenMessageIds).toHaveLength(10);
    expect(env.calls('DeleteMessageBatch')).toHaveLength(1);
    expect(env.calls('DeleteMessage')).toHaveLength(0);
    expect(env.sim.peekQueue('drover-events')).toEqual([]);
    reg.cleanup();
  });

  it('deletes nothing when the commit fails, and deletes after a later commit succeeds', async () => {
    const env = await setup(3);
    let fail = true;
    const p = poller(env, { handler: async () => undefined, commit: () => { if (fail) throw new Error('writing bake register: ENOSPC'); } });
    await p.pollOnce();
    expect(p.stats.commitFailed).toBe(1);
    expect(env.calls('DeleteMessageBatch')).toHaveLength(0);
    expect(env.sim.peekQueue('drover-events')).toHaveLength(3);
    fail = false;
    env.sim.advance(30_000);
    await p.pollOnce();
    expect(p.stats.duplicates).toBe(3);
    expect(env.sim.peekQueue('drover-events')).toEqual([]);
  });

  it('a crash between the register write and the delete redelivers, and the restarted register dedupes it (no second bake)', async () => {
    const env = await setup(1);
    const reg = register();
    const outcomes: string[] = [];
    const run = (store: BakeRegisterStore, crash: boolean) =>
      poller(env, {
        handler: async (e, m) => {
          outcomes.push(store.request('shop', { commit: (e as any).commit, at: e.at, messageId: m.messageId }).outcome);
          await store.start('shop');
        },
        commit: async () => {
          await store.commit();
          if (crash) throw new Error('killed after the write, before the delete');
        },
      });
    await run(await reg.open(), true).pollOnce();
    expect(env.calls('DeleteMessageBatch')).toHaveLength(0);
    const before = fs.readFileSync(reg.file, 'utf8');
    env.sim.advance(30_000);
    const restarted = await reg.open();
    await run(restarted, false).pollOnce();
    expect(outcomes).toEqual(['queued', 'duplicate']);
    expect(restarted.inFlight('shop')?.seq).toBe(1);
    expect(fs.readFileSync(reg.file, 'utf8')).toBe(before);
    expect(env.sim.peekQueue('drover-events')).toEqual([]);
    reg.cleanup();
  });

  it('deletes the other 9 when one receipt handle is invalid, and logs the one it could not delete', async () => {
    const env = await setup(10);
    const logger = createMemoryLogger();
    const queueClient: EventQueueClient = { ...env.real, receive: async (url, o) => (await env.real.receive(url, o)).map((m, i) => (i === 3 ? { ...m, receiptHandle: 'bm90LWEtaGFuZGxl' } : m)) };
    const p = poller(env, { handler: async () => undefined, queueClient, logger });
    await p.pollOnce();
    expect(env.sim.peekQueue('drover-events')).toHaveLength(1);
    expect(p.stats.deleteFailed).toBe(1);
    // A sender fault is not retried: the same handle would fail again.
    expect(env.calls('DeleteMessageBatch')).toHaveLength(1);
    const failed = logger.events('intake.delete_failed');
    expect(failed).toHaveLength(1);
    expect(String(failed[0].err)).toMatch(/^ReceiptHandleIsInvalid: /);
  });

  it('retries entries that failed on the server side, only those', async () => {
    const env = await setup(10);
    const sent: number[] = [];
    let first = true;
    const queueClient: EventQueueClient = {
      ...env.real,
      deleteBatch: async (url, entries) => {
        sent.push(entries.length);
        if (!first) return env.real.deleteBatch(url, entries);
        first = false;
        const rest = await env.real.deleteBatch(url, entries.slice(1));
        return [...rest, { id: entries[0].id, code: 'InternalError', message: 'We encountered an internal error. Please try again.', senderFault: false }];
      },
    };
    const p = poller(env, { handler: async () => undefined, queueClient });
    await p.pollOnce();
    expect(sent).toEqual([10, 1]);
    expect(p.stats).toMatchObject({ deleteFailed: 0, deleteCalls: 2 });
    expect(env.sim.peekQueue('drover-events')).toEqual([]);
  });
});
