/**
 * EC2 launch times of a fleet's instances, for the AGE column. Auto Scaling's view of a group's
 * instances has no launch time, so instance ids not seen before are described once (batched,
 * by `instance-id` filter, which does not fail on an id EC2 does not list yet). A launch time
 * never changes for an instance's life, so steady state reads nothing.
 */
import { paginate } from '../../aws/paginate';
import { call } from '../../aws/call';
import type { ObservedGroup } from '../../model/observed';
import type { AwsPort } from '../../aws/port';
import type { Reader } from '../observe-context';

/** EC2 accepts up to 200 values per filter. */
const FILTER_VALUES = 200;

async function describeLaunchTimes(clients: AwsPort, ids: string[], r: Reader): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let at = 0; at < ids.length; at += FILTER_VALUES) {
    const Filters = [{ Name: 'instance-id', Values: ids.slice(at, at + FILTER_VALUES) }];
    const reservations = await paginate(
      (NextToken) => call(r, 'describing instance launch times', () => clients.ec2.DescribeInstances({ Filters, MaxResults: 1000, NextToken })),
      (page) => page.Reservations,
    );
    for (const res of reservations) {
      for (const i of res.Instances ?? []) if (i.InstanceId && i.LaunchTime) found.set(i.InstanceId, new Date(i.LaunchTime).toISOString());
    }
  }
  return found;
}

/** Per `known` map: how many ids of each fleet it held after its last scan. */
const scanned = new WeakMap<Map<string, string>, Map<string, number>>();
function keptCounts(known: Map<string, string>): Map<string, number> {
  let m = scanned.get(known);
  if (!m) scanned.set(known, (m = new Map()));
  return m;
}

/**
 * Fills in each instance's `launchedAt` (in place, as the other group observers do) from `known`
 * (kept by the caller across reconciles, keyed `fleet/instance-id`), describing only the ids it lacks. A failed read leaves
 * AGE unknown for this pass (it is only shown, never acted on) and is retried next reconcile.
 */
export async function withLaunchTimes(clients: AwsPort, groups: ObservedGroup[], r: Reader, known: Map<string, string>): Promise<void> {
  const key = (id: string) => `${r.fleet}/${id}`;
  const ids = groups.flatMap((g) => g.instances.map((i) => i.id)).filter(Boolean);
  const missing = ids.filter((id) => !known.has(key(id)));
  if (missing.length) {
    try {
      for (const [id, at] of await describeLaunchTimes(clients, missing, r)) known.set(key(id), at);
    } catch (err) {
      r.ctx.logger.debug({ fleet: r.fleet, err: (err as Error).message }, 'instance launch times not read; AGE stays unknown');
    }
  }
  // Forget instances that left, scanning `known` (every fleet's) only when this fleet may have some:
  // after a scan it holds exactly that pass's ids, and only a new id (missing) adds to it.
  const counts = keptCounts(known);
  if (missing.length || counts.get(r.fleet) !== new Set(ids).size) {
    const alive = new Set(ids.map(key));
    for (const k of known.keys()) if (k.startsWith(`${r.fleet}/`) && !alive.has(k)) known.delete(k);
    counts.set(r.fleet, alive.size);
  }
  for (const i of groups.flatMap((g) => g.instances)) {
    const at = known.get(key(i.id));
    if (at) i.launchedAt = at;
  }
}
