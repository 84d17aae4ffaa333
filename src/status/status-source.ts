/**
 * Where the read commands get fleet status from: the daemon's loopback API when one is named
 * (`--server`, `DROVER_SERVER`), else the state store the controller writes (the state
 * directory, or `--state dynamodb://TABLE` read directly). An unreachable daemon is not an
 * error: the state store answers and one line on stderr
 * says so. `--live` observes the world now instead (the caller supplies how).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { toFleetStatusList, type FleetStatus, type FleetStatusList } from '../model/fleet-status';
import { formatDuration } from '../util/clock';
import type { SectionShapes, StateStore } from '../state/port';
import { FileStatusStore } from './status-store';

export const SERVER_TIMEOUT_MS = 1500;
export const FLEETS_PATH = '/api/v1/fleets';

export type StatusOrigin = 'server' | 'stateDir' | 'live';

export interface StatusReading {
  list: FleetStatusList;
  origin: StatusOrigin;
}

export interface StatusSourceOptions {
  stateDir: string;
  /** The state store to read (`--state`, openState); default the local store of `stateDir`. */
  state?: StateStore<SectionShapes>;
  /** Who holds each fleet's shard now (shared state: the lease table); each status read carries it as `owner`. */
  owners?: (fleets: string[]) => Promise<Record<string, string> | undefined>;
  /** Base URL of the daemon, e.g. `http://127.0.0.1:7390`. */
  server?: string;
  /** Observe now instead of reading what was written. */
  live?: () => Promise<FleetStatus[]>;
  /** One-line notices for the user (stderr). */
  notice: (line: string) => void;
  warn?: (message: string) => void;
  timeoutMs?: number;
  /** How to GET a URL (tests pass a fake). */
  get?: GetText;
  /** Real time, for "last written 3m ago". */
  nowMs?: () => number;
}

export interface StatusSource {
  read(): Promise<StatusReading>;
}

function isFleetStatusList(value: unknown): value is FleetStatusList {
  const v = value as Partial<FleetStatusList> | null;
  return !!v && typeof v === 'object' && v.kind === 'FleetStatus' && Array.isArray(v.items);
}

/** Why a request failed, in a few words: `connect ECONNREFUSED`, `no answer within 1.5s`, `HTTP 503`. */
export function describeFetchError(err: unknown): string {
  const e = err as { code?: string; syscall?: string; message?: string };
  if (e?.code && e.syscall) return `${e.syscall} ${e.code}`;
  return e?.message ?? e?.code ?? String(err);
}

/** GET a URL's body as text, failing on a status other than 200 or no answer within `timeoutMs`. */
export function httpGetText(url: string, timeoutMs: number): Promise<string> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers: { accept: 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let body = '';
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs / 1000}s`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
  });
}

export type GetText = (url: string, timeoutMs: number) => Promise<string>;

/** GET the daemon's FleetStatusList; throws with a short reason on any failure. */
export async function fetchFleetStatusList(server: string, timeoutMs = SERVER_TIMEOUT_MS, get: GetText = httpGetText): Promise<FleetStatusList> {
  const url = `${server.replace(/\/+$/, '')}${FLEETS_PATH}`;
  let body: unknown;
  try {
    body = JSON.parse(await get(url, timeoutMs));
  } catch (err) {
    throw new Error(err instanceof SyntaxError ? 'unexpected response: not JSON' : describeFetchError(err), { cause: err });
  }
  if (!isFleetStatusList(body)) throw new Error('unexpected response: not a FleetStatusList');
  return body;
}

async function fallbackNotice(server: string, reason: string, store: FileStatusStore, where: string, nowMs: number): Promise<string> {
  const written = await store.lastWritten();
  const when = written ? `last written ${formatDuration((nowMs - written.getTime()) / 1000)} ago` : 'no status written yet';
  return `drover: daemon at ${server} is not reachable (${reason}); showing status from ${where} (${when})`;
}

export function createStatusSource(opts: StatusSourceOptions): StatusSource {
  const store = new FileStatusStore(opts.state ?? opts.stateDir, opts.warn ? { warn: opts.warn } : {});
  const where = opts.state ? opts.state.where : opts.stateDir;
  const timeoutMs = opts.timeoutMs ?? SERVER_TIMEOUT_MS;
  const nowMs = opts.nowMs ?? Date.now;
  let noticed = false;
  const fromStateDir = async (): Promise<StatusReading> => {
    const items = await store.list();
    const owners = opts.owners ? await opts.owners(items.map((s) => s.name)) : undefined;
    return { list: toFleetStatusList(owners ? items.map((s) => ({ ...s, owner: owners[s.name] ?? '-' })) : items), origin: 'stateDir' };
  };
  return {
    async read(): Promise<StatusReading> {
      if (opts.live) return { list: toFleetStatusList(await opts.live()), origin: 'live' };
      if (!opts.server) return fromStateDir();
      try {
        return { list: await fetchFleetStatusList(opts.server, timeoutMs, opts.get), origin: 'server' };
      } catch (err) {
        if (!noticed) opts.notice(await fallbackNotice(opts.server, (err as Error).message, store, where, nowMs()));
        noticed = true;
        return fromStateDir();
      }
    },
  };
}
