/**
 * What the controller must remember about a fleet that the world cannot tell it: which
 * baked image is meant to run, which AMIs were rolled back (so they are not retried in a
 * loop), and a requested bake. Kept per fleet as the `intent` section of the fleet's record in
 * the local state store (`<stateDir>/state/fleets/<fleet>.json`, issue 13).
 */
import { createHash } from 'node:crypto';
import type { DesiredFleet } from '../../model/fleet';
import { soloOwnership } from '../../state/leases';
import { LocalStateStore } from '../../state/local/local-store';
import { writeJsonFileAtomic } from '../../util/atomic-file';
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

/** A memory file that could not be parsed, and where it was moved. */
export interface CorruptState {
  fleet: string;
  file: string;
  movedTo: string;
  error: string;
}

export interface FleetMemoryOptions {
  /** A corrupt file was moved aside: the caller rebuilds from the world and raises StateCorrupt. */
  onCorrupt?: (c: CorruptState) => void;
  now?: () => Date;
}

export class FleetMemoryStore {
  private readonly store: LocalStateStore;
  private readonly fence = soloOwnership();

  constructor(
    stateDir: string,
    private readonly opts: FleetMemoryOptions = {},
  ) {
    this.store = new LocalStateStore(stateDir);
  }

  /** The record file holding the fleet's memory (its `intent` section). */
  fileFor(fleet: string): string {
    return this.store.fleetFile(fleet);
  }

  /** The fleet's memory; none yet is empty. A corrupt one is moved aside and reported, never silently dropped. */
  load(fleet: string): FleetMemory {
    const file = this.fileFor(fleet);
    let section: unknown;
    let torn: string | undefined;
    try {
      section = this.store.readNow(fleet).sections.intent;
    } catch (err) {
      const cause = (err as Error).cause;
      if (!(cause instanceof SyntaxError)) throw new Error(`reading fleet memory ${file}: ${(err as Error).message}`, { cause: err });
      torn = `parsing JSON: ${cause.message}`;
    }
    if (section === undefined && torn === undefined) return emptyMemory(fleet);
    const parsed = torn ?? parseMemory(JSON.stringify(section), fleet);
    if (typeof parsed !== 'string') return parsed;
    // Readers without a controller (soak checks) leave the record for the controller to handle.
    if (!this.opts.onCorrupt) return emptyMemory(fleet);
    const now = this.opts.now?.() ?? new Date();
    const movedTo = torn !== undefined ? quarantineFile(file, now) : this.setAside(fleet, file, section, now);
    this.opts.onCorrupt({ fleet, file, movedTo, error: parsed });
    return emptyMemory(fleet);
  }

  save(memory: FleetMemory): void {
    const value = JSON.parse(JSON.stringify(memory)) as FleetMemory;
    const nowMs = (this.opts.now?.() ?? new Date()).getTime();
    this.store.writeNow(this.store.readNow(memory.fleet), { intent: value }, this.fence.fenceFor(memory.fleet), nowMs);
  }

  update(fleet: string, change: (m: FleetMemory) => FleetMemory): FleetMemory {
    const next = change(this.load(fleet));
    this.save(next);
    return next;
  }

  /** A bad intent section: copied next to the record, then removed from it. */
  private setAside(fleet: string, file: string, section: unknown, now: Date): string {
    const movedTo = `${file.slice(0, -'.json'.length)}.intent.json.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
    writeJsonFileAtomic(movedTo, section);
    this.store.writeNow(this.store.readNow(fleet), { intent: null }, this.fence.fenceFor(fleet), now.getTime());
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
