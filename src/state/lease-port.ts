/**
 * What shard leases need from the store: two kinds of items, read and written with
 * conditions only (no transactions).
 *
 * - One shard record per shard: its owner and epoch. It changes only when the shard changes
 *   hands (membership changes), conditional on the version read.
 * - One heartbeat per replica, written once per renewal period: its expiry, which is the
 *   validity of every shard whose record names it, and the shards and epochs it holds.
 *   A renewal is conditional on `owner = me AND expiresAt >= now`; a replica whose heartbeat
 *   expired must join again, with new epochs for anything it takes.
 */
export interface ShardRecord {
  shard: number;
  /** Undefined: free (given back, or never taken). */
  owner?: string;
  /** Grows by one each time the shard gets an owner: the fencing token. */
  epoch: number;
  /** 0 while no record is stored. */
  version: number;
}

export interface ReplicaBeat {
  id: string;
  expiresAtMs: number;
  /** Shard number to the epoch held. */
  shards: Record<number, number>;
  startedAtMs: number;
  /** The replica's shard count S: every replica on a table must use the same. */
  shardCount: number;
}

export interface LeaseTable {
  /** Every replica's heartbeat (consistent read). */
  readReplicas(): Promise<ReplicaBeat[]>;
  /** Every stored shard record (consistent read); a shard with none is free at epoch 0. */
  readShards(): Promise<ShardRecord[]>;
  /** Join: write my heartbeat whatever it held before. */
  join(beat: ReplicaBeat): Promise<void>;
  /** Renew: false when my heartbeat is gone or expired at `nowMs`. */
  renew(beat: ReplicaBeat, nowMs: number): Promise<boolean>;
  /** Write a shard record over the version read; false when it changed since. */
  putShard(next: Omit<ShardRecord, 'version'>, expectedVersion: number): Promise<boolean>;
  /** Remove my heartbeat (a clean stop). */
  leave(id: string): Promise<void>;
  /** Remove a dead replica's heartbeat, if it still expires at `expiresAtMs` (so reads do not grow with restarts). */
  prune(id: string, expiresAtMs: number): Promise<void>;
}
