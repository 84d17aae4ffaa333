/**
 * `drover dashboard --state DIR`: the dashboard and the read-only /api/v1 over a state
 * directory alone, with no daemon. It only reads the status files (never the state lock), so
 * it runs beside a daemon, an apply or a `sim` command that holds the lock.
 */
import { createServer, type RequestListener } from 'node:http';
import type { StatusStore } from '../status/status-store';
import { closeServer, listenOn } from '../util/listen';
import { readOnlyRoute } from './api-routes';
import type { DashboardPageOptions } from './dashboard';
import { send, sendReply, type RunningHttpServer } from './http-server';

export interface DashboardServerOptions {
  host: string;
  port: number;
  statusStore: StatusStore;
  page?: DashboardPageOptions;
  now?: () => Date | Promise<Date>;
  /** Told about a request that failed (500). */
  onError?: (path: string, err: unknown) => void;
}

export function dashboardHandler(opts: Omit<DashboardServerOptions, 'host' | 'port'>): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const fail = (err: unknown) => {
      opts.onError?.(path, err);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: `method ${req.method} not allowed: this dashboard is read-only` });
    if (path === '/healthz') return send(res, 200, 'ok\n', 'text/plain; charset=utf-8');
    readOnlyRoute(opts, req.url ?? '/').then((reply) => (reply ? sendReply(res, reply) : send(res, 404, { error: `no route for ${path}` })), fail);
  };
}

export async function startDashboardServer(opts: DashboardServerOptions): Promise<RunningHttpServer> {
  const server = createServer(dashboardHandler(opts));
  const url = await listenOn(server, opts.host, opts.port);
  return {
    server,
    url,
    close: () => closeServer(server),
  };
}
