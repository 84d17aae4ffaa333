/**
 * The read-only routes the daemon and `drover dashboard` share: the dashboard page at `/` (and
 * its stylesheet and script), and the status API over a StatusStore:
 *   GET /api/v1/fleets                       FleetStatusList (the shape of `get fleets -o json`)
 *   GET /api/v1/fleets/NAME                  one FleetStatus
 *   GET /api/v1/fleets/NAME/timeline.svg     the current (or `?deployment=ID`) deployment drawn
 *   GET /api/v1/events                       EventList, oldest first (`events -o json`)
 * Every /api/v1 answer carries `X-Drover-Now`: the serving side's clock (virtual under --sim),
 * which the page measures ages against.
 */
import { FLEET_STATUS_API_VERSION, toFleetStatusList, type DeploymentStatus, type FleetStatus } from '../model/fleet-status';
import { sortEvents } from '../status/events-table';
import type { StatusStore } from '../status/status-store';
import { renderTimelineSvg } from '../status/timeline-svg';
import { dashboardAsset, type DashboardPageOptions } from './dashboard';

export interface Reply {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface ApiRoutesOptions {
  statusStore: StatusStore;
  /** The serving side's now; defaults to the later of real time and the newest status write. */
  now?: () => Date | Promise<Date>;
  page?: DashboardPageOptions;
  /** The replica owning a fleet (the daemon's shard leases): every fleet object carries it as `owner`. */
  owner?: (fleet: string) => string;
}

function withOwner(opts: ApiRoutesOptions, status: FleetStatus): FleetStatus {
  return opts.owner ? { ...status, owner: opts.owner(status.name) } : status;
}

export const NOW_HEADER = 'x-drover-now';
const FLEET_NAME = /^[a-z0-9][a-z0-9-]{0,127}$/;
const FLEET_PATH = /^\/api\/v1\/fleets\/([^/]+)(\/timeline\.svg)?$/;

/** Real time, or the newest status write when that is later (a simulated clock may run ahead). */
export function statusNow(items: FleetStatus[], realNowMs = Date.now()): Date {
  const written = items.map((f) => Date.parse(f.updatedAt)).filter((t) => !Number.isNaN(t));
  return new Date(Math.max(realNowMs, ...written));
}

function findDeployment(status: FleetStatus, id: string | null): DeploymentStatus | undefined {
  if (id === null) return status.deployment ?? status.history[0];
  return [status.deployment, ...status.history].find((d) => d?.id === id);
}

async function fleetRoute(opts: ApiRoutesOptions, name: string, svg: boolean, query: URLSearchParams): Promise<Reply> {
  const status = FLEET_NAME.test(name) ? await opts.statusStore.load(name) : undefined;
  if (!status) return { status: 404, body: { error: `fleet ${JSON.stringify(name)} not found` } };
  if (!svg) return { status: 200, body: withOwner(opts, status) };
  const wanted = query.get('deployment');
  const deployment = findDeployment(status, wanted);
  if (!deployment) {
    const what = wanted === null ? 'has no deployment yet' : `has no deployment ${JSON.stringify(wanted)}`;
    return { status: 404, body: { error: `fleet ${JSON.stringify(name)} ${what}` } };
  }
  return { status: 200, body: renderTimelineSvg({ fleet: name, ...deployment }, { events: status.events }), contentType: 'image/svg+xml; charset=utf-8' };
}

async function apiRoute(opts: ApiRoutesOptions, path: string, query: URLSearchParams): Promise<Reply | undefined> {
  if (path === '/api/v1/fleets') return { status: 200, body: toFleetStatusList((await opts.statusStore.list()).map((f) => withOwner(opts, f))) };
  if (path === '/api/v1/events') {
    const events = sortEvents((await opts.statusStore.list()).flatMap((f) => f.events));
    return { status: 200, body: { apiVersion: FLEET_STATUS_API_VERSION, kind: 'EventList', items: events } };
  }
  const one = FLEET_PATH.exec(path);
  if (!one) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(one[1]);
  } catch {
    name = one[1];
  }
  return fleetRoute(opts, name, one[2] !== undefined, query);
}

/** The reply for a GET of `url` (path and query), or undefined when the route is not one of these. */
export async function readOnlyRoute(opts: ApiRoutesOptions, url: string): Promise<Reply | undefined> {
  const parsed = new URL(url, 'http://localhost');
  const path = parsed.pathname;
  const asset = dashboardAsset(path, opts.page);
  if (asset) return { status: 200, body: asset.body, contentType: asset.contentType, headers: asset.headers };
  if (!path.startsWith('/api/v1/')) return undefined;
  const reply = await apiRoute(opts, path, parsed.searchParams);
  if (!reply) return undefined;
  const now = (await opts.now?.()) ?? statusNow(await opts.statusStore.list());
  return { ...reply, headers: { ...reply.headers, [NOW_HEADER]: now.toISOString() } };
}
