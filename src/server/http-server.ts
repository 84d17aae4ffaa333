/**
 * The daemon's HTTP surface on --listen: /healthz (the process runs), /readyz (manifests
 * loaded and every fleet observed once), /metrics (Prometheus), /api/v1/manifests, the
 * read-only dashboard at / and status API under /api/v1 it shares with `drover dashboard`
 * (./api-routes) and, when a webhook token is configured, the GitLab relay at POST
 * /hooks/gitlab. Handlers only read the status files and in-memory state: they never wait on
 * a reconcile.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { parseListen } from '../controllers/intake/webhook-relay';
import { EVENTS } from '../log/events';
import type { Logger } from '../log/logger';
import type { StatusStore } from '../status/status-store';
import type { DaemonMetrics } from './metrics';
import { readOnlyRoute, type Reply } from './api-routes';
import type { DashboardPageOptions } from './dashboard';
import type { ManifestSnapshot } from '../controllers/intake/manifest-watch';
import { closeServer, listenOn } from '../util/listen';

export interface Readiness {
  ready: boolean;
  reasons: string[];
}

export interface HttpServerOptions {
  listen: string;
  logger: Logger;
  metrics: DaemonMetrics;
  statusStore: StatusStore;
  readiness(): Readiness;
  manifests(): ManifestSnapshot;
  /** The GitLab relay, mounted at POST /hooks/gitlab. */
  relay?: RequestListener;
  /** The daemon's clock (virtual under --sim): what the dashboard measures ages against. */
  now?: () => Date;
  page?: DashboardPageOptions;
  /** The replica owning each fleet, for `owner` in /api/v1. */
  owner?: (fleet: string) => string;
}

export interface RunningHttpServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(res.req?.method === 'HEAD' ? undefined : text);
}

export function sendReply(res: ServerResponse, r: Reply): void {
  send(res, r.status, r.body, r.contentType, r.headers);
}

async function route(opts: HttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/hooks/gitlab') {
    if (!opts.relay) return send(res, 404, { error: 'the webhook relay is not enabled (no webhook token configured)' });
    return opts.relay(req, res);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: `method ${req.method} not allowed` });
  if (path === '/healthz') return send(res, 200, 'ok\n', 'text/plain; charset=utf-8');
  if (path === '/readyz') {
    const r = opts.readiness();
    return send(res, r.ready ? 200 : 503, r);
  }
  if (path === '/metrics') return send(res, 200, await opts.metrics.text(), opts.metrics.contentType);
  if (path === '/api/v1/manifests') {
    const m = opts.manifests();
    return send(res, 200, { fleets: m.fleets.map((f) => ({ name: f.name, file: f.source.file })), errors: m.errors, ...(m.gitError ? { gitError: m.gitError } : {}) });
  }
  const reply = await readOnlyRoute(opts, req.url ?? '/');
  if (reply) return sendReply(res, reply);
  return send(res, 404, { error: `no route for ${path}` });
}

export function createHttpHandler(opts: HttpServerOptions): RequestListener {
  return (req, res) => {
    route(opts, req, res).catch((err) => {
      opts.logger.error({ event: EVENTS.httpRequestFailed, component: 'http', path: req.url, err: String(err) }, `serving ${req.url}: ${(err as Error)?.message ?? err}`);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  };
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const { host, port } = parseListen(opts.listen);
  const server = createServer(createHttpHandler(opts));
  const url = await listenOn(server, host, port);
  opts.logger.info({ event: EVENTS.daemonListening, component: 'http', url }, `listening on ${url}`);
  return {
    server,
    url,
    close: () => closeServer(server),
  };
}
