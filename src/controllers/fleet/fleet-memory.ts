/**
 * What the controller must remember about a fleet that the world cannot tell it: which
 * baked image is meant to run, which AMIs were rolled back (so they are not retried in a
 * loop), and a requested bake. Kept per fleet as the `intent` section of the fleet's record in
 * the state store (issue 13): the local directory (`<stateDir>/state/fleets/<fleet>.json`) or
 * the DynamoDB table, whichever is injected.
 */
import { createHash } from 'node:crypto';
import type { DesiredFleet } from '../../model/fleet';
import { LocalStateStore } from '../../state/local/local-store';
import { updateRecord, type SectionShapes, type StateStore } from '../../state/port';
import { recordFile, recordWhere, soloFence, storeOf, unreadableRecord, type FenceFor, type StateSource } from '../../state/store-of';
import { writeJsonFileAtomic } from '../../util/atomic-file';
import { DroverError } from '../../util/errors';
import { quarantineFile } from '../../util/quarantine';
import type { ControlFact } from './control-fact';

export interface ImageRef {
  ami: string;
  commit?: string;
  /** The bake deployment that made this image. */
  bake?: string;
  /** The manifest's `image.ami` when this image was chosen; a manifest edit overrides the image. */
  pinnedAmi?: string;
}

export interface FailedImage {
  ami: string;
  /** Fingerprint of the fleet spec the failure happened under; a manifest change clears it. */
  specHash: string;
  reason: string;
  message: string;
  at: string;
}

export interface FleetMemory {
  fleet: string;
  /** A baked image waiting to be rolled out (set when a bake succeeds). */
  target?: ImageRef;
  /** The image a successful rollout put in service. */
  deployed?: ImageRef;
  failed: FailedImage[];
  /** A commit whose bake was requested and not yet started. */
  pendingBake?: { commit: string; at: string; messageId?: string };
  /** Set by `drover rollout undo` for the process running the deployment. */
  undoRequestedAt?: string;
  /** Rollout controls requested (`drover rollout pause|resume|…`), applied or not yet (controls.ts). */
  controls?: ControlFact[];
}

export function emptyMemory(fleet: string): FleetMemory {
  return { fleet, failed: [] };
}

/** A memory record that could not be parsed, and where it was moved. */
export interface CorruptState {
  fleet: string;
  /** The record's file (local), or `state of fleet X in DynamoDB table T`. */
  file: string;
  movedTo: string;
  error: string;
  /** The bad section's text (a store without files keeps no copy: the log carries it). */
  value?: string;
}

export interface FleetMemoryOptions {
  /** A corrupt record was moved aside: the caller rebuilds from the world and raises StateCorrupt. */
  onCorrupt?: (c: CorruptState) => void;
  now?: () => Date;
  /** The fence of a write about a fleet; default every shard (a lone process). */
  fence?: FenceFor;
}

export class FleetMemoryStore {
  readonly store: StateStore<SectionShapes>;
  private readonly fence: FenceFor;

  constructor(
    state: StateSource,
    private readonly opts: FleetMemoryOptions = {},
  ) {
    this.store = storeOf(state);
    this.fence = opts.fence ?? soloFence();
  }

  /** Where the fleet's memory (its `intent` section) is kept, for messages. */
  fileFor(fleet: string): string {
    return recordWhere(this.store, fleet);
  }

  /** The fleet's memory; none yet is empty. A corrupt one is moved aside and reported, never silently dropped. */
  async load(fleet: string): Promise<FleetMemory> {
    const file = this.fileFor(fleet);
    let section: unknown;
    let torn: string | undefined;
    try {
      section = (await this.store.read(fleet)).sections.intent;
    } catch (err) {
      // The store's own errors (a missing table, fenced out, throttled) keep their type; a local I/O error gets the file named.
      if (err instanceof DroverError) throw err;
      if (!unreadableRecord(err)) throw new Error(`reading fleet memory ${file}: ${(err as Error).message}`, { cause: err });
      torn = `parsing JSON: ${((err as Error).cause as Error).message}`;
    }
    if (section === undefined && torn === undefined) return emptyMemory(fleet);
    const parsed = torn ?? parseMemory(JSON.stringify(section), fleet);
    if (typeof parsed !== 'string') return parsed;
    // Readers without a controller (soak checks) leave the record for the controller to handle.
    if (!this.opts.onCorrupt) return emptyMemory(fleet);
    const now = this.opts.now?.() ?? new Date();
    const recordPath = recordFile(this.store, fleet);
    const value = torn === undefined ? JSON.stringify(section) : undefined;
    let movedTo: string;
    if (torn === undefined) movedTo = await this.setAside(fleet, section, now);
    else if (recordPath) movedTo = quarantineFile(recordPath, now);
    // A table item whose text is not JSON cannot be read through the port: left for a person, reported.
    else movedTo = '(left in place: fix or delete the item)';
    this.opts.onCorrupt({ fleet, file, movedTo, error: parsed, ...(value !== undefined ? { value } : {}) });
    return emptyMemory(fleet);
  }

  async save(memory: FleetMemory): Promise<void> {
    const value = JSON.parse(JSON.stringify(memory)) as FleetMemory;
    await updateRecord(this.store, memory.fleet, this.fence(memory.fleet), () => this.nowMs(), () => ({ intent: value }));
  }

  /** Change the fleet's memory: redone over a fresh read on a VersionConflict (a fact another process recorded). */
  async update(fleet: string, change: (m: FleetMemory) => FleetMemory): Promise<FleetMemory> {
    const loaded = await this.load(fleet);
    let next = loaded;
    await updateRecord(this.store, fleet, this.fence(fleet), () => this.nowMs(), (r) => {
      const fresh = r.sections.intent === undefined ? emptyMemory(fleet) : parseMemory(JSON.stringify(r.sections.intent), fleet);
      next = change(typeof fresh === 'string' ? loaded : fresh);
      return { intent: JSON.parse(JSON.stringify(next)) as FleetMemory };
    });
    return next;
  }

  private nowMs(): number {
    return (this.opts.now?.() ?? new Date()).getTime();
  }

  /**
   * A bad intent section is removed from the record; the local store keeps a copy next to the
   * record file, a table has none (the caller logs the value).
   */
  private async setAside(fleet: string, section: unknown, now: Date): Promise<string> {
    const file = recordFile(this.store, fleet);
    let movedTo = '(removed from the record; its text is in the log)';
    if (file) {
      movedTo = `${file.slice(0, -'.json'.length)}.intent.json.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
      writeJsonFileAtomic(movedTo, section);
    }
    await updateRecord(this.store, fleet, this.fence(fleet), () => now.getTime(), (r) => (r.sections.intent === undefined ? undefined : { intent: null }));
    return movedTo;
  }
}

/** The memory in `text`, or why it is not one. */
function parseMemory(text: string, fleet: string): FleetMemory | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `parsing JSON: ${(err as Error).message}`;
  }
  const m = value as Partial<FleetMemory> | null;
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'not a JSON object';
  if (m.fleet !== undefined && m.fleet !== fleet) return `it names fleet ${JSON.stringify(m.fleet)}`;
  if (m.failed !== undefined && !Array.isArray(m.failed)) return '"failed" is not a list';
  if (m.controls !== undefined && !Array.isArray(m.controls)) return '"controls" is not a list';
  return { ...emptyMemory(fleet), ...m, failed: m.failed ?? [] };
}

/** A stable fingerprint of what the user asked for; any manifest edit changes it. */
export function specHash(desired: DesiredFleet): string {
  const { source: _source, manifestIssue: _issue, ...spec } = desired;
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}

/**
 * The fleet as the planner should see it: a baked image stands in for the manifest's pinned
 * AMI until the manifest pins another one (people change production by editing the manifest).
 */
export function effectiveDesired(desired: DesiredFleet, memory: FleetMemory): DesiredFleet {
  const pinned = desired.image.ami;
  const chosen = [memory.target, memory.deployed].find((ref) => ref && ref.pinnedAmi === pinned);
  if (!chosen) return desired;
  return { ...desired, image: { ...desired.image, ami: chosen.ami } };
}

/** The failure that blocks rolling out `ami` again under the current spec, if any. */
export function blockingFailure(memory: FleetMemory, ami: string, hash: string): FailedImage | undefined {
  return memory.failed.find((f) => f.ami === ami && f.specHash === hash);
}

/**
 * For local-only tools that check in synchronous code (the soak's invariants): the memory in a
 * state directory's local store, read at once; empty when none or unreadable (nothing is moved).
 */
export function localMemoryNow(stateDir: string, fleet: string): FleetMemory {
  try {
    const section = new LocalStateStore(stateDir).readNow(fleet).sections.intent;
    const parsed = section === undefined ? emptyMemory(fleet) : parseMemory(JSON.stringify(section), fleet);
    return typeof parsed === 'string' ? emptyMemory(fleet) : parsed;
  } catch {
    return emptyMemory(fleet);
  }
}
