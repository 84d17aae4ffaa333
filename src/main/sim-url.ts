/**
 * Where the simulated account lives when one process serves it (`drover sim serve`): the URL in
 * DROVER_SIM_URL, and the composition root for a command that uses it. With DROVER_SIM_URL set,
 * every command that would use the simulated account (--sim, `sim …`, the daemon) acts on the
 * served one instead of loading <state-dir>/sim/account.json; setting it implies --sim.
 *
 * The server also leaves its URL in <state-dir>/sim/server.json while it runs, so `drover sim …`
 * on that state directory reaches the served account without DROVER_SIM_URL (instead of being
 * refused by the lock the server holds).
 */
import * as fs from 'node:fs';
import { createAwsPort, type AwsPort } from '../aws/clients';
import { RemoteSim } from '../sim/remote';
import type { Clock } from '../util/clock';
import { flush } from '../util/virtual-drive';
import { UsageError } from './cli-support';
import { statePath } from './state-dir';

export const SIM_URL_ENV = 'DROVER_SIM_URL';

/** DROVER_SIM_URL, checked: undefined when unset or empty. */
export function simServerUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env[SIM_URL_ENV]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${SIM_URL_ENV}: "${raw}" is not a URL (expected the http://127.0.0.1:PORT that 'drover sim serve' prints)`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`${SIM_URL_ENV}: "${raw}" is not an http:// URL (expected the http://127.0.0.1:PORT that 'drover sim serve' prints)`);
  return raw.replace(/\/+$/, '');
}

/** The file in which a running `drover sim serve` leaves its URL. */
export function simServerFile(stateDir: string): string {
  return statePath(stateDir, 'sim', 'server.json');
}

export interface ServedAt {
  url: string;
  pid: number;
}

/** The URL of the server running on this state directory (its pid alive), if any. */
export function discoverSimServer(stateDir: string): string | undefined {
  let at: ServedAt;
  try {
    at = JSON.parse(fs.readFileSync(simServerFile(stateDir), 'utf8')) as ServedAt;
  } catch {
    return undefined;
  }
  if (typeof at?.url !== 'string' || !Number.isInteger(at.pid)) return undefined;
  try {
    process.kill(at.pid, 0);
    return at.url;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? at.url : undefined;
  }
}

/** What openRuntime returns, for the served account (the same shape as runtime.ts's Runtime). */
export interface RemoteRuntime {
  clients: AwsPort;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  stateDir: string;
  save(): void;
  settle?: () => Promise<void>;
  remote: RemoteSim;
}

/**
 * Clients whose plugin forwards every command to the served account, its clock mirrored here,
 * and a `sleep` that lets the account's time pass (stopping at this process's timers, as
 * passVirtualTime does in one process). Nothing of the account is saved here: the server saves it.
 */
export function openRemoteRuntime(url: string, opts: { stateDir: string; region?: string; fresh?: boolean }): RemoteRuntime {
  if (opts.fresh) throw new UsageError(`--fresh: the account served at ${url} (${SIM_URL_ENV}) is not reset by its clients; restart it with 'drover sim serve --fresh'`);
  const remote = RemoteSim.connectSync(url);
  const clients = createAwsPort({ region: opts.region ?? 'eu-west-1', plugin: remote.plugin() });
  const rt: RemoteRuntime = {
    clients,
    clock: remote.clock,
    remote,
    stateDir: opts.stateDir,
    sleep: (ms) => remote.pass(ms, () => (rt.settle ?? flush)()),
    save: () => undefined,
  };
  return rt;
}
