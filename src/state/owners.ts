/**
 * Who owns which fleet, read from the lease table with two consistent reads and no writes (no
 * daemon needed): `drover get fleets -o wide` and `/api/v1` show it as OWNER. A shard whose
 * record names a replica with an expired heartbeat has no owner now (`-`) until another takes it.
 */
import type { LeaseTable } from './lease-port';
import { DEFAULT_SHARDS, shardOf } from './shards';

export interface ShardOwners {
  /** The shard count the live replicas use (the longest-running one's). */
  shards: number;
  /** Shard number to the replica id holding it now. */
  owners: Map<number, string>;
}

export async function readShardOwners(table: Pick<LeaseTable, 'readReplicas' | 'readShards'>, nowMs: number): Promise<ShardOwners> {
  const [beats, records] = await Promise.all([table.readReplicas(), table.readShards()]);
  const live = beats.filter((b) => b.expiresAtMs >= nowMs).sort((a, b) => a.startedAtMs - b.startedAtMs || a.id.localeCompare(b.id));
  const liveIds = new Set(live.map((b) => b.id));
  const owners = new Map<number, string>();
  for (const r of records) if (r.owner !== undefined && liveIds.has(r.owner)) owners.set(r.shard, r.owner);
  return { shards: live[0]?.shardCount ?? DEFAULT_SHARDS, owners };
}

/** The owner of each fleet, `-` when its shard has none now. */
export function ownersOfFleets(read: ShardOwners, fleets: string[]): Record<string, string> {
  return Object.fromEntries(fleets.map((f) => [f, read.owners.get(shardOf(f, read.shards)) ?? '-']));
}
