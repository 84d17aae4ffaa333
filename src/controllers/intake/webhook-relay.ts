/**
 * The GitLab webhook relay: a tiny HTTP endpoint that authenticates GitLab (X-Gitlab-Token,
 * constant time), caps and times the body, and puts the raw webhook JSON on the event queue
 * with message attributes `X-Gitlab-Event`, `X-Gitlab-Event-UUID` and `drover-source=gitlab`.
 * It answers 202 fast and decides nothing: the controller does, from the queue.
 * A delivery whose `Idempotency-Key` (else `X-Gitlab-Event-UUID`) was already queued within
 * the dedupe window is answered 200 without a second message.
 */
import { createServer, IncomingMessage, RequestListener, Server, ServerResponse } from 'http';
import type { EventQueueClient } from '../../providers/events/queue';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import { Clock, SystemClock } from '../../util/clock';
import { DroverError } from '../../util/errors';
import { GITLAB_EVENT_HEADER, MAX_MESSAGE_BYTES, SOURCE_ATTRIBUTE } from './parsers/parse-message';
import { isRecord } from './parsers/fields';
import { MemoryDeliveryWindow, type DeliveryWindow } from './delivery-window';
import { readBody } from './relay-body';
import { slimGitlabPayload } from './relay-slim';
import { tokenMatches } from './webhook-token';
import { closeServer, listenOn } from '../../util/listen';

export { loadWebhookToken, TOKEN_ENV } from './webhook-token';

/** The GitLab events drover acts on; others are acknowledged and dropped. */
export const RELAYED_EVENTS = new Set(['Merge Request Hook', 'Push Hook']);

export interface WebhookRelayOptions {
  sender: Pick<EventQueueClient, 'send'>;
  queueUrl: string;
  token: string;
  logger: Logger;
  maxBodyBytes?: number;
  bodyTimeoutMs?: number;
  /** Clock for the body deadline and the dedupe window; the system clock by default. */
  clock?: Clock;
  /** Deliveries already queued; an in-memory window (1 h, 10,000 keys) by default. */
  deliveries?: DeliveryWindow;
}

/** GitLab's delivery identity: the same across retries of one delivery. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const EVENT_UUID_HEADER = 'X-Gitlab-Event-UUID';
/** Longer keys are not GitLab's; they are not remembered (the delivery is still queued). */
const MAX_KEY_LENGTH = 200;

function reply(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(status === 405 ? { allow: 'POST' } : {}),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The message body: the raw JSON when it fits SQS, otherwise only the fields drover reads. */
function messageBody(raw: string, json: Record<string, unknown>): string | undefined {
  const budget = MAX_MESSAGE_BYTES - 1024; // room for the message attributes
  if (Buffer.byteLength(raw) <= budget) return raw;
  const slim = JSON.stringify(slimGitlabPayload(json));
  return Buffer.byteLength(slim) <= budget ? slim : undefined;
}

interface RelayContext {
  opts: WebhookRelayOptions;
  log: Logger;
  maxBytes: number;
  timeoutMs: number;
  clock: Clock;
  deliveries: DeliveryWindow;
}

export function createWebhookRelay(opts: WebhookRelayOptions): RequestListener {
  if (!opts.token) throw new DroverError('creating webhook relay: the token is empty', { code: 'WebhookTokenMissing', source: 'user' });
  const clock = opts.clock ?? new SystemClock();
  const ctx: RelayContext = {
    opts,
    log: opts.logger.child({ component: 'relay' }),
    maxBytes: opts.maxBodyBytes ?? 1024 * 1024,
    timeoutMs: opts.bodyTimeoutMs ?? 10_000,
    clock,
    deliveries: opts.deliveries ?? new MemoryDeliveryWindow({ clock }),
  };
  return (req, res) => {
    void handleWebhook(ctx, req, res).catch((err) => {
      ctx.log.error({ event: EVENTS.relaySendFailed, err: String(err) }, 'relay failed unexpectedly');
      if (!res.headersSent) reply(res, 500, { error: 'internal error' }, true);
    });
  };
}

async function handleWebhook(ctx: RelayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/healthz') return reply(res, 200, 'ok');
  const idempotencyKey = headerOf(req, IDEMPOTENCY_HEADER);
  const meta = { remoteAddress: req.socket.remoteAddress, eventType: headerOf(req, GITLAB_EVENT_HEADER), uuid: headerOf(req, EVENT_UUID_HEADER), ...(idempotencyKey ? { idempotencyKey } : {}) };
  const refuse = (status: number, reason: string) => {
    ctx.log.warn({ event: EVENTS.relayRejected, status, reason, ...meta }, `refused webhook: ${reason}`);
    reply(res, status, { error: reason }, true);
  };
  if (req.method !== 'POST') return refuse(405, `method ${req.method} not allowed`);
  const presented = headerOf(req, 'X-Gitlab-Token');
  if (!tokenMatches(presented, ctx.opts.token)) return refuse(401, presented === undefined ? 'missing X-Gitlab-Token' : 'wrong X-Gitlab-Token');
  const got = await readBody(req, ctx.maxBytes, ctx.timeoutMs, ctx.clock);
  if (!got.ok) return refuse(got.status, got.reason);
  const raw = got.body.toString('utf8');
  const size = got.body.length;
  const json = parseJsonObject(raw);
  if (!json) return refuse(400, 'body is not a valid JSON object');
  if (!meta.eventType || !RELAYED_EVENTS.has(meta.eventType)) {
    ctx.log.info({ event: EVENTS.relayDropped, size, ...meta }, `dropped ${meta.eventType ?? 'untyped'} webhook: not used by drover`);
    return reply(res, 202, { queued: false, reason: `event ${JSON.stringify(meta.eventType ?? null)} is not used by drover` });
  }
  const body = messageBody(raw, json);
  if (!body) return refuse(413, 'payload does not fit an SQS message even when trimmed');
  const attributes: Record<string, string> = { [GITLAB_EVENT_HEADER]: meta.eventType, [SOURCE_ATTRIBUTE]: 'gitlab', ...(meta.uuid ? { [EVENT_UUID_HEADER]: meta.uuid } : {}) };
  const key = deliveryKey(idempotencyKey, meta.uuid);
  if (key) {
    const claim = await ctx.deliveries.claim(key);
    if (!claim.fresh) {
      ctx.log.info({ event: EVENTS.relayDuplicate, size, key, previousMessageId: claim.messageId, ...meta }, `duplicate ${meta.eventType} delivery ${key}: already queued, not queued again`);
      return reply(res, 200, { queued: false, duplicate: true, ...(claim.messageId ? { messageId: claim.messageId } : {}) });
    }
  }
  try {
    const { messageId } = await ctx.opts.sender.send(ctx.opts.queueUrl, body, attributes);
    if (key) await ctx.deliveries.confirm(key, messageId);
    ctx.log.info({ event: EVENTS.relayQueued, size, messageId, ...meta }, `queued ${meta.eventType}`);
    reply(res, 202, { queued: true, messageId });
  } catch (err) {
    if (key) await ctx.deliveries.release(key);
    ctx.log.error({ event: EVENTS.relaySendFailed, size, err: String(err), ...meta }, `queueing ${meta.eventType} failed`);
    reply(res, 503, { error: 'queue unavailable, retry later' });
  }
}

/** `Idempotency-Key`, else `X-Gitlab-Event-UUID`; the two namespaces never collide. */
function deliveryKey(idempotencyKey: string | undefined, uuid: string | undefined): string | undefined {
  const key = idempotencyKey ? `key:${idempotencyKey}` : uuid ? `uuid:${uuid}` : undefined;
  return key && key.length <= MAX_KEY_LENGTH ? key : undefined;
}

function parseJsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(raw);
    return isRecord(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

export interface RunningRelay {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** `127.0.0.1:8080`, `:8080` (all interfaces), `[::1]:8080`. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new DroverError(`starting webhook relay: listen address ${JSON.stringify(listen)} is not host:port`, { code: 'BadListenAddress', source: 'user' });
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export async function startWebhookRelay(listen: string, opts: WebhookRelayOptions): Promise<RunningRelay> {
  const { host, port } = parseListen(listen);
  const server = createServer(createWebhookRelay(opts));
  server.headersTimeout = Math.max(1_000, (opts.bodyTimeoutMs ?? 10_000) * 2);
  const url = await listenOn(server, host, port);
  opts.logger.info({ event: EVENTS.relayListening, url }, `webhook relay listening on ${url}`);
  return {
    server,
    url,
    close: () => closeServer(server),
  };
}
