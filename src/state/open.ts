/**
 * The one place the daemon and CLI choose a backend (issue 13): `--state`/`DROVER_STATE`
 * resolved by url.ts, else the local state directory. The DynamoDB modules (and the SDK) are
 * loaded only when a table is chosen, so local commands start as fast as before.
 *
 * What a caller gets: the store, and how to know which fleets it may act on. With the local
 * directory that is every fleet (the directory lock is the exclusion, main/state-lock.ts); with
 * DynamoDB it is the shards this replica's ShardLeases hold.
 */
import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import type { LeaseSettings, ShardLeases, ShardLeasesOptions, ShardOwnership } from './leases';
import { soloOwnership } from './leases';
import { LocalStateStore } from './local/local-store';
import type { SectionShapes, StateStore } from './port';
import type { StateLocation } from './url';
import { readShardOwners, type ShardOwners } from './owners';

export interface OpenStateOptions {
  /** The state directory (`--state-dir`), used when no table is chosen. */
  stateDir: string;
  clock: Clock;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface OpenedState<S extends SectionShapes = SectionShapes> {
  location: StateLocation;
  store: StateStore<S>;
  /** Shared state (DynamoDB): run leases. Local: one owner of everything. */
  shared: boolean;
  /** The leases of replica `id` (DynamoDB), started by the caller with `run(signal)`; local: every shard. */
  ownership(opts: { id: string; settings?: Partial<LeaseSettings>; onGained?: ShardLeasesOptions['onGained']; onLost?: ShardLeasesOptions['onLost'] }): ShardLeases | ShardOwnership;
  /** Who holds each shard now, read from the lease table (DynamoDB); undefined for a directory (its one daemon owns all). */
  shardOwners(nowMs: number): Promise<ShardOwners | undefined>;
  /** `drover state init`: create the table (DynamoDB); nothing to do for a directory. */
  init(): Promise<string>;
  /** Close the table client's sockets (a daemon at stop); nothing for a directory. */
  close(): void;
}

export function openState<S extends SectionShapes = SectionShapes>(location: StateLocation | undefined, opts: OpenStateOptions): OpenedState<S> {
  if (!location || location.kind === 'dir') {
    const dir = location?.dir ?? opts.stateDir;
    return {
      location: { kind: 'dir', dir },
      store: new LocalStateStore<S>(dir),
      shared: false,
      ownership: () => soloOwnership(),
      shardOwners: async () => undefined,
      init: async () => `state directory ${dir} needs no set-up`,
      close: () => undefined,
    };
  }
  /* eslint-disable @typescript-eslint/no-require-imports -- the SDK loads only for a table */
  const { openStateTable } = require('./dynamo/open') as typeof import('./dynamo/open');
  const { DynamoStateStore } = require('./dynamo/dynamo-store') as typeof import('./dynamo/dynamo-store');
  const { DynamoLeaseTable } = require('./dynamo/lease-table') as typeof import('./dynamo/lease-table');
  const { ShardLeases: Leases } = require('./leases') as typeof import('./leases');
  const { createStateTable } = require('./dynamo/table') as typeof import('./dynamo/table');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const ctx = openStateTable(location, { clock: opts.clock, logger: opts.logger, ...(opts.env ? { env: opts.env } : {}) });
  return {
    location,
    store: new DynamoStateStore<S>(ctx),
    shared: true,
    ownership: (o) => new Leases({ table: new DynamoLeaseTable(ctx), clock: opts.clock, logger: opts.logger, ...o }),
    shardOwners: (nowMs) => readShardOwners(new DynamoLeaseTable(ctx), nowMs),
    init: async () => {
      const r = await createStateTable(ctx);
      const ttl = r.ttlEnabled ? 'TTL on attribute ttl' : 'TTL not supported by this endpoint';
      return `state table ${r.table} ${r.created ? 'created' : 'already exists'} (on-demand billing, ${ttl})${r.arn ? `: ${r.arn}` : ''}`;
    },
    close: () => ctx.client.destroy(),
  };
}
