/**
 * Deployment snapshots in the state store (issue 13): the `deployment` section of the fleet's
 * record, written through the one StateStore port with the fence of the shard this process
 * holds (the local directory: every shard, soloOwnership). The deploy machines persist before
 * they act, so with a shared table a replica that lost the fleet's shard fails here, before
 * its next AWS call.
 *
 * A record that cannot be read (a torn local file) or a section that is not a deployment
 * record loads as corrupt, as a torn file did before; `quarantine` moves the evidence aside.
 */
import * as path from 'node:path';
import { StateKeyError } from '../state/errors';
import { soloFence, type FenceFor } from '../state/store-of';
import { LocalStateStore } from '../state/local/local-store';
import { updateRecord, type Fence, type SectionShapes, type StateStore } from '../state/port';
import { writeJsonFileAtomic } from '../util/atomic-file';
import { quarantineFile } from '../util/quarantine';
import { parseRecord, type DeploymentRecord, type LoadedRecord, type SnapshotStore } from './snapshot-store';

export interface RecordSnapshotStoreOptions {
  /** The fence for a write about `fleet` (ShardOwnership.fenceFor). */
  fence: (fleet: string) => Fence;
  nowMs: () => number;
  /** The local backend's record file of a fleet, so a corrupt one can be moved aside. */
  fileOf?: (fleet: string) => string;
}

export class RecordSnapshotStore implements SnapshotStore {
  constructor(
    readonly store: StateStore<SectionShapes>,
    private readonly opts: RecordSnapshotStoreOptions,
  ) {}

  async save(key: string, record: DeploymentRecord): Promise<void> {
    // Stored as JSON text would be: a snapshot that is not JSON-only fails here, not on the next read.
    const value = JSON.parse(JSON.stringify(record)) as DeploymentRecord;
    await updateRecord(this.store, key, this.opts.fence(key), this.opts.nowMs, () => ({ deployment: value }));
  }

  async load(key: string): Promise<LoadedRecord> {
    let section: unknown;
    try {
      section = (await this.store.read(key)).sections.deployment;
    } catch (err) {
      if (!unreadable(err)) throw err;
      return { corrupt: true, error: (err as Error).message };
    }
    return section === undefined ? undefined : parseRecord(JSON.stringify(section));
  }

  async list(): Promise<string[]> {
    const keys: string[] = [];
    for (const fleet of await this.store.list()) {
      try {
        if ((await this.store.read(fleet)).sections.deployment !== undefined) keys.push(fleet);
      } catch (err) {
        if (!unreadable(err)) throw err;
        keys.push(fleet); // its load reports it corrupt
      }
    }
    return keys;
  }

  async delete(key: string): Promise<void> {
    await updateRecord(this.store, key, this.opts.fence(key), this.opts.nowMs, (r) => (r.sections.deployment === undefined ? undefined : { deployment: null }));
  }

  /**
   * Move a corrupt deployment aside, so nothing overwrites the evidence and the next load
   * starts fresh: an unreadable local record file is renamed to `<file>.corrupt-<time>`; a
   * bad section is copied there and removed from the record. Returns what moved where.
   */
  async quarantine(key: string, now: Date): Promise<{ file: string; movedTo: string }> {
    const file = this.opts.fileOf?.(key);
    let section: unknown;
    try {
      section = (await this.store.read(key)).sections.deployment;
    } catch (err) {
      if (!unreadable(err) || !file) throw err;
      return { file, movedTo: quarantineFile(file, now) };
    }
    const what = file ?? `deployment record of ${key} in ${this.store.where}`;
    let movedTo = '(dropped)';
    if (file && section !== undefined) {
      movedTo = `${path.join(path.dirname(file), path.basename(file, '.json'))}.deployment.json.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
      writeJsonFileAtomic(movedTo, section);
    }
    await this.delete(key);
    return { file: what, movedTo };
  }
}

/** The record's stored text is not JSON (a torn local file); a bad key or an I/O error is not that. */
function unreadable(err: unknown): boolean {
  return !(err instanceof StateKeyError) && err instanceof Error && err.cause instanceof SyntaxError;
}

/** The single daemon's and the CLI's store: the local state directory, which owns every shard. */
export function localSnapshotStore(stateDir: string, nowMs: () => number): RecordSnapshotStore {
  return recordSnapshotStore(new LocalStateStore(stateDir), soloFence(), nowMs);
}

/** Snapshots over any StateStore, fenced by `fence` (a local store's corrupt records are moved aside as files). */
export function recordSnapshotStore(store: StateStore<SectionShapes>, fence: FenceFor, nowMs: () => number): RecordSnapshotStore {
  return new RecordSnapshotStore(store, { fence, nowMs, ...(store instanceof LocalStateStore ? { fileOf: (f: string) => store.fleetFile(f) } : {}) });
}
