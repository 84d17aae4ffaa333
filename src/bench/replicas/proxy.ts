/**
 * A recording HTTP proxy on loopback, one per replica and backend (the served simulated account,
 * dynalite), for the multi-replica harness: it forwards every request unchanged, tells its
 * observer each exchange (request and answer bodies, and which replica sent it, by the port it
 * came in on), and counts requests in flight, so the harness moves virtual time only while
 * every replica is idle (time-driver.ts).
 */
import * as http from 'node:http';
import { closeServer, listenOn } from '../../util/listen';

export interface Exchange {
  /** The replica this proxy serves (its label). */
  replica: string;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  requestBody: string;
  status: number;
  responseBody: string;
}

export interface ProxyObserver {
  /** Before forwarding; true marks a request that only waits (not counted as in flight). */
  onRequest?(replica: string, path: string, body: string): boolean | void;
  /** After the answer was sent back. */
  onExchange?(e: Exchange): void;
}

export interface RecordingProxy {
  url: string;
  replica: string;
  /** Requests forwarded and not yet answered, waits left out. */
  inFlight(): number;
  /** Refuse new connections and drop open ones (the replica was killed). */
  close(): Promise<void>;
}

export async function startProxy(target: string, replica: string, observer: ProxyObserver): Promise<RecordingProxy> {
  const to = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  let busy = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestBody = Buffer.concat(chunks).toString('utf8');
      const waiting = observer.onRequest?.(replica, req.url ?? '/', requestBody) === true;
      if (!waiting) busy++;
      let done = false;
      const finish = () => {
        if (!done && !waiting) busy--;
        done = true;
      };
      const headers = { ...req.headers, host: to.host };
      const out = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers, agent }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          const responseBody = Buffer.concat(body);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(responseBody);
          finish();
          observer.onExchange?.({ replica, method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, requestBody, status: answer.statusCode ?? 502, responseBody: responseBody.toString('utf8') });
        });
        answer.on('error', () => (finish(), res.destroy()));
      });
      out.on('error', () => {
        finish();
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      res.on('close', finish);
      out.end(requestBody);
    });
  });
  server.keepAliveTimeout = 60_000;
  const url = await listenOn(server, '127.0.0.1', 0);
  return {
    url,
    replica,
    inFlight: () => busy,
    close: async () => {
      agent.destroy();
      await closeServer(server).catch(() => undefined);
    },
  };
}
