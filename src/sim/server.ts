/**
 * One simulated account served on loopback, so several drover processes (daemons, CLI commands)
 * act on the same account: `drover sim serve`. The protocol is drover's own JSON over HTTP, not
 * the AWS wire protocols: each client keeps the real SDK clients and their middleware, and its
 * plugin (remote.ts) forwards the command (service, operation, input) here, exactly where the
 * in-process plugin calls SimAccount.dispatch. Errors come back by name and fields (wire.ts).
 *
 * The server owns the virtual clock. Every answer carries `nowMs`, the account's time, and
 * clients keep a mirror of it. With `speed` > 0 time moves by itself, speed virtual ms per real
 * ms; with `speed` 0 it moves only when asked: POST /v1/clock/advance, or a client's wait with
 * `drive` (a CLI command backing off, as `apply --wait` does in one process).
 *
 * Routes (all JSON):
 *   POST /v1/call          {service, operation, input}   -> {ok: true, output, nowMs} | {ok: false, error, nowMs}
 *   GET  /v1/clock                                       -> {nowMs, speed}
 *   POST /v1/clock/wait    {untilMs, drive?, maxWaitMs?} -> {nowMs, speed}, once nowMs >= untilMs or after maxWaitMs real
 *   POST /v1/clock/advance {ms}                          -> {nowMs, speed}
 *   POST /v1/control       {method, args}                -> {ok: true, result, nowMs} (scenario controls, CONTROL_METHODS)
 */
import * as http from 'node:http';
import { listenOn } from '../util/listen';
import type { SimAccount } from './account';
import { errorToWire, fromWire, toWire, WIRE_PREFIX } from './wire';

/** SimAccount methods a client may call through /v1/control. */
export const CONTROL_METHODS = [
  'failNext',
  'failRate',
  'clearFaults',
  'setLoad',
  'markAmiBroken',
  'setBuildResult',
  'setEventQueue',
  'setEventualConsistency',
  'setQueueChaos',
  'denyLaunches',
  'setCapacityShortage',
  'chaosStats',
  'inServiceCount',
  'drainingCount',
  'snapshot',
] as const;
export type ControlMethod = (typeof CONTROL_METHODS)[number];

export interface SimServerOptions {
  account: SimAccount;
  host?: string;
  port?: number;
  /** Virtual ms per real ms; 0: time moves only when asked. */
  speed: number;
  /** How often the clock moves with speed > 0 (real ms). */
  tickMs?: number;
  /** A clock move or request that failed inside the account (logged by the caller). */
  onError?: (err: unknown) => void;
}

export interface SimServer {
  url: string;
  close(): Promise<void>;
}

/** The longest a wait holds its request open (real ms); the client asks again. */
export const MAX_WAIT_MS = 10_000;
const MAX_BODY = 32 * 1024 * 1024;

export async function startSimServer(opts: SimServerOptions): Promise<SimServer> {
  const { account, speed } = opts;
  const onError = opts.onError ?? (() => undefined);
  const clock = () => ({ nowMs: account.nowMs(), speed });
  const routes: Record<string, (body: any) => Promise<unknown> | unknown> = {
    'GET /clock': () => clock(),
    'POST /clock/advance': (b: { ms?: unknown }) => {
      const ms = Number(b.ms);
      if (!(ms >= 0)) throw new BadRequest(`clock/advance: "ms" must be a non-negative number, got ${JSON.stringify(b.ms)}`);
      account.advance(ms);
      return clock();
    },
    'POST /clock/wait': async (b: { untilMs?: unknown; drive?: unknown; maxWaitMs?: unknown }) => {
      const until = Number(b.untilMs);
      if (!Number.isFinite(until)) throw new BadRequest(`clock/wait: "untilMs" must be a number, got ${JSON.stringify(b.untilMs)}`);
      const ahead = until - account.nowMs();
      if (ahead <= 0) return clock();
      if (speed === 0 && b.drive === true) {
        account.advance(ahead);
        return clock();
      }
      const maxWait = Math.min(MAX_WAIT_MS, Math.max(0, Number(b.maxWaitMs ?? MAX_WAIT_MS)));
      await account.clock.sleep(ahead, AbortSignal.timeout(maxWait)).catch(() => undefined);
      return clock();
    },
    'POST /call': async (b: { service?: unknown; operation?: unknown; input?: unknown }) => {
      if (typeof b.service !== 'string' || typeof b.operation !== 'string') throw new BadRequest('call: "service" and "operation" must be strings');
      try {
        const output = await account.dispatch(b.service, b.operation, fromWire(b.input ?? {}));
        return { ok: true, output: toWire(output), nowMs: account.nowMs() };
      } catch (err) {
        return { ok: false, error: errorToWire(err), nowMs: account.nowMs() };
      }
    },
    'POST /control': (b: { method?: unknown; args?: unknown }) => {
      const method = b.method as ControlMethod;
      if (!CONTROL_METHODS.includes(method)) throw new BadRequest(`control: unknown method ${JSON.stringify(b.method)} (one of ${CONTROL_METHODS.join(', ')})`);
      const args = Array.isArray(b.args) ? (fromWire(b.args) as unknown[]) : [];
      const result = (account[method] as (...a: unknown[]) => unknown).apply(account, args);
      return { ok: true, result: toWire(result ?? null), nowMs: account.nowMs() };
    },
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const route = url.pathname.startsWith(WIRE_PREFIX) ? routes[`${req.method} ${url.pathname.slice(WIRE_PREFIX.length)}`] : undefined;
    if (!route) return send(res, 404, { error: `no route ${req.method} ${url.pathname} (this is drover's simulated account, protocol ${WIRE_PREFIX})` });
    readBody(req)
      .then((text) => route(text ? JSON.parse(text) : {}))
      .then((out) => send(res, 200, out))
      .catch((err: unknown) => {
        if (!(err instanceof BadRequest || err instanceof SyntaxError)) onError(err);
        send(res, err instanceof BadRequest || err instanceof SyntaxError ? 400 : 500, { error: (err as Error).message ?? String(err) });
      });
  });
  server.keepAliveTimeout = 60_000;

  let ticker: NodeJS.Timeout | undefined;
  if (speed > 0) {
    let last = Date.now();
    ticker = setInterval(() => {
      const now = Date.now();
      try {
        account.advance(Math.max(0, now - last) * speed);
      } catch (err) {
        onError(err);
      }
      last = now;
    }, opts.tickMs ?? 100);
  }

  const url = await listenOn(server, opts.host ?? '127.0.0.1', opts.port ?? 0);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (ticker) clearInterval(ticker);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

class BadRequest extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BadRequest(`request body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
