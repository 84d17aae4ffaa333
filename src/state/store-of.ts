/**
 * What the component stores (status, fleet memory, bake queues, deployment snapshots) share
 * about the StateStore they are built over: a store is injected (the daemon's and the CLI's
 * `openState(...)`), or a state directory is given and its local store is used; every write is
 * fenced by a provider (`fenceFor`, the leases' in a replica, every shard for a lone process);
 * and messages name a record by its file (local) or its table.
 */
import { soloOwnership } from './leases';
import { LocalStateStore } from './local/local-store';
import type { Fence, SectionShapes, StateStore } from './port';
import { StateKeyError } from './errors';

/** A StateStore, or a state directory whose local store is meant. */
export type StateSource = StateStore<SectionShapes> | string;

/** The fence for a write about `fleet` (ShardOwnership.fenceFor, or the solo default). */
export type FenceFor = (fleet: string) => Fence;

export function storeOf(state: StateSource): StateStore<SectionShapes> {
  return typeof state === 'string' ? new LocalStateStore(state) : state;
}

/** Every shard held: the fence of a lone process on the local directory. */
export function soloFence(): FenceFor {
  const solo = soloOwnership();
  return (fleet) => solo.fenceFor(fleet);
}

/** The local record file of `fleet`, or undefined for a store without files. */
export function recordFile(store: StateStore<SectionShapes>, fleet: string): string | undefined {
  return store instanceof LocalStateStore ? store.fleetFile(fleet) : undefined;
}

/** For messages: the record's file (local) or `state of fleet X in DynamoDB table T`. */
export function recordWhere(store: StateStore<SectionShapes>, fleet: string): string {
  return recordFile(store, fleet) ?? `state of fleet ${fleet} in ${store.where}`;
}

/** The record's stored text is not JSON (a torn local file, a hand-edited item); a bad key or an I/O error is not that. */
export function unreadableRecord(err: unknown): boolean {
  return !(err instanceof StateKeyError) && err instanceof Error && err.cause instanceof SyntaxError;
}

/** Any StateStore, whatever its section types. */
export type AnyStateStore = StateStore<SectionShapes>;
export type { ShardOwnership } from './leases';

/** The local directory's store (one process writes it, under the directory lock). */
export function isLocalStore(store: AnyStateStore): boolean {
  return store instanceof LocalStateStore;
}
