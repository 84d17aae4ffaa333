import { mkdtempSync, writeFileSync } from 'fs';
import { request } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import { createAwsPort } from '../../aws/clients';
import { sqsEventQueue } from '../../providers/events/queue';
import { createMemoryLogger, MemoryLogger } from '../../log/logger';
import { VirtualClock } from '../../util/clock';
import { createSimPlugin, SimAccount } from '../../sim';
import { ensureEventQueue } from '../../providers/events/ensure-queue';
import { SqsPoller } from './sqs-poller';
import { mergeRequestHook, pushHook, SHA_A } from '../../bench/payloads';
import { loadWebhookToken, parseListen, RunningRelay, startWebhookRelay } from './webhook-relay';

const TOKEN = 's3cr3t-webhook-token-value';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/drover-events';

interface Sent {
  url: string;
  body: string;
  attributes: Record<string, string>;
}

interface Reply {
  status: number;
  body: string;
}

function fakeSender(fail = false) {
  const sent: Sent[] = [];
  return {
    sent,
    send: async (url: string, body: string, attributes: Record<string, string>) => {
      if (fail) throw new Error('AWS.SimpleQueueService.NonExistentQueue');
      sent.push({ url, body, attributes });
      return { messageId: `msg-${sent.length}` };
    },
  };
}

interface PostOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  body?: string;
  /** Send the body in these chunks (chunked encoding unless a content-length header is given). */
  chunks?: string[];
  /** Leave the request open after writing (slow client). */
  hang?: boolean;
}

function send(base: string, o: PostOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${o.path ?? '/'}`, { method: o.method ?? 'POST', headers: o.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') });
      });
    });
    req.on('error', (err) => reject(err));
    if (o.chunks) {
      for (const c of o.chunks) req.write(c);
      if (!o.hang) req.end();
    } else if (o.hang) {
      req.write(o.body ?? '');
    } else {
      req.end(o.body);
    }
  });
}

const gitlab = (event: string, token = TOKEN) => ({ 'content-type': 'application/json', 'x-gitlab-event': event, 'x-gitlab-token': token, 'x-gitlab-event-uuid': 'e7c5a6f0-1111-2222-3333-444455556666' });

describe('webhook relay', () => {
  let relay: RunningRelay;
  let logger: MemoryLogger;
  let sender: ReturnType<typeof fakeSender>;

  async function start(opts: { fail?: boolean; maxBodyBytes?: number; bodyTimeoutMs?: number; clock?: VirtualClock } = {}) {
    logger = createMemoryLogger();
    sender = fakeSender(opts.fail);
    relay = await startWebhookRelay('127.0.0.1:0', { sender, queueUrl: QUEUE_URL, token: TOKEN, logger, maxBodyBytes: opts.maxBodyBytes, bodyTimeoutMs: opts.bodyTimeoutMs, clock: opts.clock });
  }

  it('200 deliveries with one Idempotency-Key make one SQS message; the retries are answered 200', async () => {
    const clock = new VirtualClock();
    await start({ clock });
    const body = JSON.stringify(mergeRequestHook());
    const headers = (i: number) => ({ ...gitlab('Merge Request Hook'), 'idempotency-key': 'f3a1b2c4-5d6e-4f70-8192-a3b4c5d6e7f8', 'x-gitlab-event-uuid': `uuid-${i}` });
    const replies: Reply[] = [];
    for (let i = 0; i < 200; i++) replies.push(await send(relay.url, { headers: headers(i), body }));
    expect(sender.sent).toHaveLength(1);
    expect(replies[0].status).toBe(202);
    expect(replies.slice(1).every((r) => r.status === 200 && JSON.parse(r.body).duplicate === true && JSON.parse(r.body).messageId === 'msg-1')).toBe(true);
    expect(logger.events('relay.duplicate')).toHaveLength(199);
    // Past the window (1 h on the relay's clock) the same key is a new delivery.
    clock.set(clock.nowMs() + 60 * 60_000);
    expect((await send(relay.url, { headers: headers(200), body })).status).toBe(202);
    expect(sender.sent).toHaveLength(2);
  });

  it('dedupes by X-Gitlab-Event-UUID without an Idempotency-Key, and lets a retry through after a failed send', async () => {
    await start({ fail: true });
    const body = JSON.stringify(pushHook());
    expect((await send(relay.url, { headers: gitlab('Push Hook'), body })).status).toBe(503);
    const ok = fakeSender();
    Object.assign(sender, { send: ok.send });
    expect((await send(relay.url, { headers: gitlab('Push Hook'), body })).status).toBe(202);
    expect((await send(relay.url, { headers: gitlab('Push Hook'), body })).status).toBe(200);
    expect((await send(relay.url, { headers: { ...gitlab('Push Hook'), 'x-gitlab-event-uuid': 'another' }, body })).status).toBe(202);
    expect(ok.sent).toHaveLength(2);
  });

  afterEach(async () => {
    expect(JSON.stringify(logger.records)).not.toContain(TOKEN);
    await relay.close();
  });

  it('queues a merge request hook with its attributes and answers 202', async () => {
    await start();
    const body = JSON.stringify(mergeRequestHook());
    const r = await send(relay.url, { headers: gitlab('Merge Request Hook'), body });
    expect(r).toEqual({ status: 202, body: JSON.stringify({ queued: true, messageId: 'msg-1' }) });
    expect(sender.sent).toEqual([
      {
        url: QUEUE_URL,
        body,
        attributes: { 'X-Gitlab-Event': 'Merge Request Hook', 'X-Gitlab-Event-UUID': 'e7c5a6f0-1111-2222-3333-444455556666', 'drover-source': 'gitlab' },
      },
    ]);
    expect(logger.events('relay.queued')[0]).toMatchObject({ eventType: 'Merge Request Hook', size: Buffer.byteLength(body), remoteAddress: '127.0.0.1' });
  });

  it.each([
    ['missing', undefined],
    ['wrong', 'not-the-token'],
    ['truncated', TOKEN.slice(0, 5)],
  ])('refuses a %s token with 401 and queues nothing', async (_what, token) => {
    await start();
    const headers: Record<string, string> = gitlab('Push Hook');
    if (token === undefined) delete headers['x-gitlab-token'];
    else headers['x-gitlab-token'] = token;
    const r = await send(relay.url, { headers, body: JSON.stringify(pushHook()) });
    expect(r.status).toBe(401);
    expect(sender.sent).toEqual([]);
    expect(logger.events('relay.rejected')[0]).toMatchObject({ status: 401 });
  });

  it('refuses an oversized body by Content-Length with 413', async () => {
    await start({ maxBodyBytes: 1024 });
    const r = await send(relay.url, { headers: { ...gitlab('Push Hook'), 'content-length': 4096 }, chunks: ['x'.repeat(4096)] });
    expect(r.status).toBe(413);
    expect(sender.sent).toEqual([]);
  });

  it('refuses an oversized chunked body with 413 as soon as the cap is passed', async () => {
    await start({ maxBodyBytes: 1024 });
    const r = await send(relay.url, { headers: gitlab('Push Hook'), chunks: Array.from({ length: 8 }, () => 'y'.repeat(512)) });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error).toContain('1024-byte limit');
    expect(sender.sent).toEqual([]);
  });

  it('answers 408 to a body that does not arrive in time, and queues nothing', async () => {
    await start({ bodyTimeoutMs: 50 });
    const r = await send(relay.url, { headers: { ...gitlab('Push Hook'), 'content-length': 500 }, body: '{"object_kind":', hang: true });
    expect(r.status).toBe(408);
    expect(sender.sent).toEqual([]);
  });

  it('answers 400 to malformed JSON', async () => {
    await start();
    expect((await send(relay.url, { headers: gitlab('Push Hook'), body: '{"object_kind": "push",' })).status).toBe(400);
    expect((await send(relay.url, { headers: gitlab('Push Hook'), body: '[]' })).status).toBe(400);
    expect(sender.sent).toEqual([]);
  });

  it('acknowledges and drops event types drover does not use', async () => {
    await start();
    const r = await send(relay.url, { headers: gitlab('Pipeline Hook'), body: '{"object_kind":"pipeline"}' });
    expect(r.status).toBe(202);
    expect(JSON.parse(r.body)).toMatchObject({ queued: false });
    expect(sender.sent).toEqual([]);
    expect(logger.events('relay.dropped')[0]).toMatchObject({ eventType: 'Pipeline Hook', uuid: 'e7c5a6f0-1111-2222-3333-444455556666' });
  });

  it('answers 503 when the queue refuses the message', async () => {
    await start({ fail: true });
    const r = await send(relay.url, { headers: gitlab('Push Hook'), body: JSON.stringify(pushHook()) });
    expect(r.status).toBe(503);
    expect(logger.events('relay.send_failed')).toHaveLength(1);
  });

  it('answers 405 to other methods and 200 to GET /healthz', async () => {
    await start();
    expect((await send(relay.url, { method: 'PUT', headers: gitlab('Push Hook'), body: '{}' })).status).toBe(405);
    expect((await send(relay.url, { method: 'GET', path: '/' })).status).toBe(405);
    expect(await send(relay.url, { method: 'GET', path: '/healthz' })).toEqual({ status: 200, body: 'ok' });
  });

  it('trims a payload too large for SQS to the fields drover reads', async () => {
    await start({ maxBodyBytes: 1024 * 1024 });
    const big = mergeRequestHook() as any;
    big.object_attributes.description = 'd'.repeat(400 * 1024);
    const r = await send(relay.url, { headers: gitlab('Merge Request Hook'), body: JSON.stringify(big) });
    expect(r.status).toBe(202);
    expect(Buffer.byteLength(sender.sent[0].body)).toBeLessThan(4096);
    expect(JSON.parse(sender.sent[0].body).object_attributes).toMatchObject({ merge_commit_sha: SHA_A, action: 'merge', target_branch: 'master' });
  });
});

describe('webhook relay → simulated SQS → poller', () => {
  it('delivers a push hook end to end as push_received', async () => {
    const sim = new SimAccount({ seed: 9 });
    const clients = createAwsPort({ plugin: createSimPlugin(sim), region: 'eu-west-1' });
    const info = await ensureEventQueue(clients, 'drover-events');
    const logger = createMemoryLogger();
    const relay = await startWebhookRelay('127.0.0.1:0', { sender: sqsEventQueue(clients.sqs), queueUrl: info.url, token: TOKEN, logger });
    try {
      const r = await send(relay.url, { headers: gitlab('Push Hook'), body: JSON.stringify(pushHook()) });
      expect(r.status).toBe(202);
      const seen: unknown[] = [];
      const poller = new SqsPoller({ clients, queue: 'drover-events', clock: sim.clock, logger, handler: async (e) => void seen.push(e) });
      expect(await poller.pollOnce()).toBe(1);
      expect(seen).toEqual([expect.objectContaining({ kind: 'push_received', after: SHA_A, branch: 'master' })]);
      expect(JSON.stringify(logger.records)).not.toContain(TOKEN);
    } finally {
      await relay.close();
    }
  });
});

describe('loadWebhookToken', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-token-'));

  it('reads the file (trimmed) in preference to the environment', () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'from-file\n');
    expect(loadWebhookToken({ file, env: { DROVER_WEBHOOK_TOKEN: 'from-env' } })).toBe('from-file');
    expect(loadWebhookToken({ env: { DROVER_WEBHOOK_TOKEN: 'from-env' } })).toBe('from-env');
  });

  it('errors clearly when neither is set, or the file is empty or missing', () => {
    expect(() => loadWebhookToken({ env: {} })).toThrow('set DROVER_WEBHOOK_TOKEN or pass --token-file');
    const empty = join(dir, 'empty');
    writeFileSync(empty, '  \n');
    expect(() => loadWebhookToken({ file: empty })).toThrow('the file is empty');
    expect(() => loadWebhookToken({ file: join(dir, 'nope') })).toThrow('loading webhook token from');
  });
});

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    [':9000', { host: '0.0.0.0', port: 9000 }],
    ['[::1]:80', { host: '::1', port: 80 }],
  ])('%s', (text, want) => expect(parseListen(text)).toEqual(want));

  it('refuses junk', () => {
    expect(() => parseListen('localhost')).toThrow('is not host:port');
    expect(() => parseListen('h:99999')).toThrow('is not host:port');
  });
});
