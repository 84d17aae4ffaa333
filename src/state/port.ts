/**
 * The state-store port (issue 13): every piece of durable state goes through it, one record
 * per fleet, and the rest of drover does not know which backend it has (a local directory,
 * or one DynamoDB table shared by replicas).
 *
 * A fleet's record has four sections, each a JSON value owned by one part of the controller:
 * `deployment` (the deploy machine's snapshot record), `intent` (fleet memory: target and
 * deployed image, failed images, pending bake, undo request), `status` (FleetStatus with its
 * events) and `bakes` (the fleet's bake queue). The port does not interpret them: the types
 * come in through `S`, and their parsers stay with their owners.
 *
 * Every write is conditional on the `version` it read (a typed VersionConflict otherwise) and
 * carries a fence: the epoch of the shard lease the writer holds. The store keeps the highest
 * epoch written; a write with an older one fails with FencedOut, so a replica that lost the
 * shard fails before its next AWS call (the deploy machines persist before they act). Facts
 * recorded by a replica that does not own the fleet (a bake request, an undo) are written
 * with the fence `'intake'`: version-checked, never fenced, epoch unchanged.
 *
 * A shared backend also keeps nudges: one item listing fleets whose owner should reconcile
 * them soon, so a fact recorded by a non-owner reaches the owner within its poll (issue 13),
 * and the manifest revision last pushed, so a push received by one replica reaches every one.
 *
 * Besides fleet records: lifecycle-action claims keyed (group, instance, transition), so one
 * replica completes an action, and message dedupe items with a TTL (SQS message ids, relay
 * delivery keys), so a redelivery has no effect whichever replica receives it.
 */
import { StateKeyError, VersionConflict } from './errors';

/** What the sections hold; the wiring fills in the controller's types. */
export interface SectionShapes {
  deployment: unknown;
  intent: unknown;
  status: unknown;
  bakes: unknown;
}

export type SectionName = keyof SectionShapes;
export const SECTION_NAMES: readonly SectionName[] = ['deployment', 'intent', 'status', 'bakes'];

export interface FleetRecord<S extends SectionShapes = SectionShapes> {
  fleet: string;
  /** 0 while nothing is stored; every write adds 1. */
  version: number;
  /** The highest fencing epoch a write or fence carried; 0 before any. */
  epoch: number;
  /** ISO time of the last write, by the writer's clock. */
  updatedAt?: string;
  sections: Partial<S>;
}

/** A section set to `null` is removed; a section left out is kept as stored. */
export type SectionChanges<S extends SectionShapes = SectionShapes> = { [K in keyof S]?: S[K] | null };

/** The shard epoch the writer holds, or `'intake'` for a fact recorded by a non-owner. */
export type Fence = { epoch: number } | 'intake';

export interface LifecycleActionKey {
  group: string;
  instance: string;
  transition: string;
}

export interface LifecycleClaim extends LifecycleActionKey {
  holder: string;
  claimedAtMs: number;
  completedAtMs?: number;
}

export type ClaimResult = { claimed: true; claim: LifecycleClaim } | { claimed: false; claim: LifecycleClaim };

export interface ClaimOptions {
  holder: string;
  nowMs: number;
  /** A claim not completed within this long may be taken over (its holder died). */
  staleAfterMs: number;
}

export interface Nudges {
  fleets: string[];
  manifests?: string;
}

export type DedupeResult = { fresh: true } | { fresh: false; value?: string };

export interface StateStore<S extends SectionShapes = SectionShapes> {
  /** `state directory ./.drover`, `DynamoDB table drover-state`: for messages. */
  readonly where: string;
  /** The fleet's record; version 0 and no sections when none is stored. */
  read(fleet: string): Promise<FleetRecord<S>>;
  /** Names of fleets with a record, sorted. */
  list(): Promise<string[]>;
  /**
   * Every fleet's record, sorted by fleet: one paginated scan on a table instead of a read per
   * fleet (`get fleets`, /api/v1, the bake register at start). A record that cannot be read
   * fails the whole call; the caller then reads fleet by fleet (readAllRecords).
   */
  readAll?(): Promise<Array<FleetRecord<S>>>;
  /**
   * Write `changes` over `prev` (the record as read): fails with VersionConflict when the
   * stored version is not `prev.version`, FencedOut when the stored epoch is above the fence.
   * Returns the record as stored.
   */
  write(prev: FleetRecord<S>, changes: SectionChanges<S>, fence: Fence, nowMs: number): Promise<FleetRecord<S>>;
  /** Raise the record's epoch to `epoch` (a new owner does this before acting; creates the record when there is none, and moves its version). FencedOut when a higher one is stored. */
  fence(fleet: string, epoch: number): Promise<void>;
  /** Remove the record (the fleet was deleted); version- and epoch-checked like a write. */
  delete(prev: FleetRecord<S>, fence: Fence): Promise<void>;

  /** Claim a lifecycle action: exactly one live holder; a stale, uncompleted claim is taken over. */
  claimLifecycleAction(key: LifecycleActionKey, opts: ClaimOptions): Promise<ClaimResult>;
  /** Mark it completed by `holder`. False when it is not (or no longer) theirs, or already completed. */
  completeLifecycleAction(key: LifecycleActionKey, holder: string, nowMs: number): Promise<boolean>;
  /** Claims of one group (the owner's sweep), or all. */
  listLifecycleClaims(group?: string): Promise<LifecycleClaim[]>;

  /**
   * Shared backends: ask the owners of `fleets` to reconcile them soon (a non-owner recorded a
   * fact in their records). The fact is written first, the nudge after it.
   */
  nudge?(fleets: string[]): Promise<void>;
  /**
   * Take, and remove, the nudged fleets `mine` accepts (the replica's held shards); with them the
   * manifest revision last announced, which every replica reads and none removes.
   */
  takeNudges?(mine: (fleet: string) => boolean): Promise<Nudges>;
  /** A push to the manifest repository was handled here: every replica pulls when it sees `revision` change. */
  announceManifests?(revision: string): Promise<void>;

  /** Reserve a message key for `ttlMs`: fresh the first time within the TTL. */
  claimMessage(key: string, nowMs: number, ttlMs: number): Promise<DedupeResult>;
  /** Attach a value (the relay's MessageId) to a claimed key. */
  confirmMessage(key: string, value: string): Promise<void>;
  /** Forget a key (its delivery failed: a retry must go through). */
  releaseMessage(key: string): Promise<void>;
}

/** The record `changes` make of `prev` (backends share this). */
export function applyChanges<S extends SectionShapes>(prev: FleetRecord<S>, changes: SectionChanges<S>, fence: Fence, nowMs: number): FleetRecord<S> {
  const sections: Partial<S> = { ...prev.sections };
  for (const [name, value] of Object.entries(changes) as Array<[keyof S, unknown]>) {
    if (value === null) delete sections[name];
    else if (value !== undefined) sections[name] = value as S[keyof S];
  }
  const epoch = fence === 'intake' ? prev.epoch : Math.max(prev.epoch, fence.epoch);
  return { fleet: prev.fleet, version: prev.version + 1, epoch, updatedAt: new Date(nowMs).toISOString(), sections };
}

export function emptyRecord<S extends SectionShapes>(fleet: string): FleetRecord<S> {
  return { fleet, version: 0, epoch: 0, sections: {} };
}

/**
 * Read, change, write; on a VersionConflict read again and redo, up to `attempts` times. The
 * change sees the fresh record each time; returning undefined writes nothing.
 */
export async function updateRecord<S extends SectionShapes>(
  store: StateStore<S>,
  fleet: string,
  fence: Fence,
  nowMs: () => number,
  change: (r: FleetRecord<S>) => SectionChanges<S> | undefined,
  attempts = 5,
): Promise<FleetRecord<S>> {
  for (let i = 1; ; i++) {
    const prev = await store.read(fleet);
    const changes = change(prev);
    if (!changes) return prev;
    try {
      return await store.write(prev, changes, fence, nowMs());
    } catch (err) {
      if (!(err instanceof VersionConflict) || i >= attempts) throw err;
    }
  }
}

const FLEET = /^[a-z0-9][a-z0-9-]{0,127}$/;

export function checkFleetName(fleet: string): string {
  if (!FLEET.test(fleet)) throw new StateKeyError(`state of fleet ${JSON.stringify(fleet)}: not a fleet name (lowercase letters, digits and '-', at most 128)`);
  return fleet;
}

/** A lifecycle-action key part (group name, instance id, transition): no control characters or '#'. */
export function checkKeyPart(what: string, value: string): string {
  if (!value || value.length > 255 || value.includes("#") || [...value].some((c) => c < " ")) throw new StateKeyError(`lifecycle action claim: ${what} ${JSON.stringify(value)} is not usable as a key`);
  return value;
}

/** Every fleet's record: `readAll` when the backend has it and every record reads, else fleet by fleet. */
export async function readAllRecords<S extends SectionShapes>(store: StateStore<S>): Promise<Array<FleetRecord<S>>> {
  if (store.readAll) {
    try {
      return await store.readAll();
    } catch (err) {
      // A record whose text is not JSON: read one by one, so the caller meets it alone.
      if (!(err instanceof Error && err.cause instanceof SyntaxError)) throw err;
    }
  }
  return Promise.all((await store.list()).map((f) => store.read(f)));
}
