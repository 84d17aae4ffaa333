/**
 * The local-directory backend, the embedded default: `<stateDir>/state/` holds one JSON file
 * per fleet record (`fleets/<fleet>.json`), per lifecycle-action claim (`lifecycle/`) and per
 * dedupe key (`dedupe/`). Files are written atomically (util/atomic-file). One process writes
 * the directory (main/state-lock.ts takes its lock); within it every check-and-write runs
 * synchronously, so the version and epoch checks hold exactly as in DynamoDB.
 *
 * Today's layout (deployments/, fleets/, status/, intake/bake-register.json) is imported once
 * by `migrateLegacyLayout` (legacy.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { writeJsonFileAtomic } from '../../util/atomic-file';
import { FencedOut, VersionConflict } from '../errors';
import {
  applyChanges,
  checkFleetName,
  checkKeyPart,
  emptyRecord,
  type ClaimOptions,
  type ClaimResult,
  type DedupeResult,
  type Fence,
  type FleetRecord,
  type LifecycleActionKey,
  type LifecycleClaim,
  type SectionChanges,
  type SectionShapes,
  type StateStore,
} from '../port';

export function localStateRoot(stateDir: string): string {
  return path.join(stateDir, 'state');
}

interface DedupeFile {
  key: string;
  expiresAtMs: number;
  value?: string;
}

export class LocalStateStore<S extends SectionShapes = SectionShapes> implements StateStore<S> {
  readonly where: string;
  private readonly root: string;

  constructor(readonly stateDir: string) {
    this.root = localStateRoot(stateDir);
    this.where = `state directory ${stateDir}`;
  }

  fleetFile(fleet: string): string {
    return path.join(this.root, 'fleets', `${checkFleetName(fleet)}.json`);
  }

  async read(fleet: string): Promise<FleetRecord<S>> {
    return this.readSync(fleet);
  }

  /** `read` without a promise: the local directory answers at once (the single daemon's synchronous readers use this). */
  readNow(fleet: string): FleetRecord<S> {
    return this.readSync(fleet);
  }

  /** `write` without a promise, with the same version and epoch checks. */
  writeNow(prev: FleetRecord<S>, changes: SectionChanges<S>, fence: Fence, nowMs: number): FleetRecord<S> {
    this.check(prev, fence);
    const next = applyChanges(prev, changes, fence, nowMs);
    writeJsonFileAtomic(this.fleetFile(prev.fleet), next);
    return next;
  }

  async list(): Promise<string[]> {
    return this.listNow();
  }

  /** `list` without a promise. */
  listNow(): string[] {
    return names(path.join(this.root, 'fleets'))
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -'.json'.length))
      .filter((n) => /^[a-z0-9][a-z0-9-]{0,127}$/.test(n))
      .sort();
  }

  async readAll(): Promise<Array<FleetRecord<S>>> {
    return this.listNow().map((f) => this.readSync(f));
  }

  async write(prev: FleetRecord<S>, changes: SectionChanges<S>, fence: Fence, nowMs: number): Promise<FleetRecord<S>> {
    return this.writeNow(prev, changes, fence, nowMs);
  }

  async fence(fleet: string, epoch: number): Promise<void> {
    const stored = this.readSync(fleet);
    if (stored.epoch > epoch) throw new FencedOut(fleet, epoch, stored.epoch);
    if (stored.epoch === epoch) return;
    // A fence is a write: the version moves, so a read-modify-write begun before it retries.
    writeJsonFileAtomic(this.fleetFile(fleet), { ...stored, version: stored.version + 1, epoch });
  }

  async delete(prev: FleetRecord<S>, fence: Fence): Promise<void> {
    this.check(prev, fence);
    fs.rmSync(this.fleetFile(prev.fleet), { force: true });
  }

  async claimLifecycleAction(key: LifecycleActionKey, opts: ClaimOptions): Promise<ClaimResult> {
    const file = this.claimFile(key);
    const held = readJson<LifecycleClaim>(file);
    if (held && (held.completedAtMs !== undefined || opts.nowMs - held.claimedAtMs < opts.staleAfterMs) && held.holder !== opts.holder) {
      return { claimed: false, claim: held };
    }
    if (held?.completedAtMs !== undefined) return { claimed: false, claim: held };
    const claim: LifecycleClaim = { group: key.group, instance: key.instance, transition: key.transition, holder: opts.holder, claimedAtMs: opts.nowMs };
    writeJsonFileAtomic(file, claim);
    return { claimed: true, claim };
  }

  async completeLifecycleAction(key: LifecycleActionKey, holder: string, nowMs: number): Promise<boolean> {
    const file = this.claimFile(key);
    const held = readJson<LifecycleClaim>(file);
    if (!held || held.holder !== holder || held.completedAtMs !== undefined) return false;
    writeJsonFileAtomic(file, { ...held, completedAtMs: nowMs });
    return true;
  }

  async listLifecycleClaims(group?: string): Promise<LifecycleClaim[]> {
    const dir = path.join(this.root, 'lifecycle');
    return names(dir)
      .filter((n) => n.endsWith('.json'))
      .map((n) => readJson<LifecycleClaim>(path.join(dir, n)))
      .filter((c): c is LifecycleClaim => !!c && (group === undefined || c.group === group))
      .sort((a, b) => a.claimedAtMs - b.claimedAtMs);
  }

  async claimMessage(key: string, nowMs: number, ttlMs: number): Promise<DedupeResult> {
    const file = this.dedupeFile(key);
    const held = readJson<DedupeFile>(file);
    if (held && held.key === key && held.expiresAtMs > nowMs) return { fresh: false, ...(held.value !== undefined ? { value: held.value } : {}) };
    writeJsonFileAtomic(file, { key, expiresAtMs: nowMs + ttlMs } satisfies DedupeFile);
    this.expireDedupe(nowMs);
    return { fresh: true };
  }

  async confirmMessage(key: string, value: string): Promise<void> {
    const file = this.dedupeFile(key);
    const held = readJson<DedupeFile>(file);
    if (held) writeJsonFileAtomic(file, { ...held, value });
  }

  async releaseMessage(key: string): Promise<void> {
    fs.rmSync(this.dedupeFile(key), { force: true });
  }

  private readSync(fleet: string): FleetRecord<S> {
    const r = readJson<FleetRecord<S>>(this.fleetFile(fleet), `state of fleet ${fleet}`);
    return r ? { ...r, sections: r.sections ?? {} } : emptyRecord<S>(fleet);
  }

  /** The stored record must be the one read, and no newer owner may have fenced it. */
  private check(prev: FleetRecord<S>, fence: Fence): void {
    const stored = this.readSync(prev.fleet);
    if (fence !== 'intake' && stored.epoch > fence.epoch) throw new FencedOut(prev.fleet, fence.epoch, stored.epoch);
    if (stored.version !== prev.version) throw new VersionConflict(prev.fleet, prev.version, stored.version);
  }

  private claimFile(key: LifecycleActionKey): string {
    const part = (what: string, v: string) => encodeURIComponent(checkKeyPart(what, v));
    return path.join(this.root, 'lifecycle', `${part('group', key.group)}#${part('instance', key.instance)}#${part('transition', key.transition)}.json`);
  }

  private dedupeFile(key: string): string {
    return path.join(this.root, 'dedupe', `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);
  }

  /** Expired keys are removed now and then (DynamoDB's TTL does this for the table). */
  private dedupeClaims = 0;
  private expireDedupe(nowMs: number): void {
    if (++this.dedupeClaims % 256 !== 0) return;
    const dir = path.join(this.root, 'dedupe');
    for (const n of names(dir)) {
      const d = readJson<DedupeFile>(path.join(dir, n));
      if (d && d.expiresAtMs <= nowMs) fs.rmSync(path.join(dir, n), { force: true });
    }
  }
}

function names(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The file's JSON, undefined when absent. A file that is not JSON is an error naming it (`what` says whose). */
function readJson<T>(file: string, what?: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    if (!what) return undefined;
    throw new Error(`reading ${what} from ${file}: ${(err as Error).message}`, { cause: err });
  }
}
