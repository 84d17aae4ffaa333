/**
 * What the soak checks after every step (capacity is checked on every tick, capacity.ts):
 * - no owned resource is leaked. A builder may live for the bake timeout plus BUILDER_SLACK_MS;
 *   other suspects (a third live group, a launch template version beyond policy, an image
 *   without its commit tag, a web instance in no group) may exist while a deployment or a
 *   restart's cleanup is under way, but not for LEAK_GRACE_MS in a row. Images no longer
 *   used are counted here; images beyond retention fail at the end (image-retention.ts);
 * - each commit is baked at most once: at most one builder instance and one image per
 *   (fleet, commit), over the whole run, including ones long terminated or deregistered;
 * - the daemon never exits on its own, and keeps reconciling every fleet (LIVENESS_MS).
 * The launch template rule is the crash-safety harness's (test/support/crash-invariants.ts):
 * the default version, those a live group pins, and the newest one below the default.
 */
import { localMemoryNow } from '../controllers/fleet/fleet-memory';
import { isOwnedBy, TAG_COMMIT, TAG_ROLE } from '../model/names';
import type { SimAccount } from '../sim';
import type { SoakFleet } from './fleets';

export const BAKE_TIMEOUT_MS = 30 * 60_000;
export const BUILDER_SLACK_MS = 15 * 60_000;
export const LEAK_GRACE_MS = 30 * 60_000;
export const LIVENESS_MS = 15 * 60_000;

export interface Violation {
  invariant: 'capacity' | 'no-leaks' | 'baked-once' | 'daemon-alive' | 'outcome' | 'image-retention';
  detail: string;
}

type SimSnapshot = ReturnType<SimAccount['snapshot']>;

export class StepInvariants {
  checks = 0;
  private readonly suspectSince = new Map<string, number>();
  private readonly builders = new Map<string, Set<string>>();
  private readonly images = new Map<string, Set<string>>();

  constructor(
    private readonly sim: SimAccount,
    private readonly fleets: SoakFleet[],
    private readonly stateDir: string,
  ) {}

  /** Leaks and bake counts; `strict` (the end) allows no grace for suspects. */
  check(strict = false): Violation[] {
    const state = this.sim.snapshot();
    const now = this.sim.nowMs();
    const out: Violation[] = [];
    const suspects = new Map<string, string>();
    for (const f of this.fleets) {
      this.checks += 4;
      out.push(...this.builderLeaks(state, f, now, strict));
      out.push(...this.bakedOnce(state, f));
      for (const [k, v] of this.suspects(state, f)) suspects.set(k, v);
    }
    for (const k of [...this.suspectSince.keys()]) if (!suspects.has(k)) this.suspectSince.delete(k);
    for (const [k, detail] of suspects) {
      const since = this.suspectSince.get(k) ?? now;
      this.suspectSince.set(k, since);
      if (strict || now - since >= LEAK_GRACE_MS) out.push({ invariant: 'no-leaks', detail: strict ? detail : `${detail} (for ${Math.round((now - since) / 60_000)} min)` });
    }
    return out;
  }

  /**
   * Owned images that no template version and no fleet memory refers to: up to `retain` of
   * them plus the rollback target are kept on purpose, so these are counted, not failed.
   */
  unreferencedImages(): number {
    const state = this.sim.snapshot();
    const used = new Set<string>();
    for (const lt of Object.values(state.launchTemplates)) for (const v of lt.versions) used.add(String(v.data.ImageId));
    for (const f of this.fleets) {
      const m = localMemoryNow(this.stateDir, f.name);
      for (const ami of [m.target?.ami, m.deployed?.ami, ...m.failed.map((x) => x.ami)]) if (ami) used.add(ami);
    }
    return Object.values(state.images).filter((i) => this.fleets.some((f) => isOwnedBy(i.tags, f.name)) && i.state !== 'failed' && !used.has(i.id)).length;
  }

  /** Each fleet reconciled within LIVENESS_MS (counted from the process start). */
  liveness(lastReconcile: Map<string, number>, startedAtMs: number): Violation[] {
    const now = this.sim.nowMs();
    const out: Violation[] = [];
    for (const f of this.fleets) {
      this.checks++;
      const last = Math.max(lastReconcile.get(f.name) ?? 0, startedAtMs);
      if (now - last > LIVENESS_MS) out.push({ invariant: 'daemon-alive', detail: `fleet ${f.name} was not reconciled for ${Math.round((now - last) / 60_000)} min` });
    }
    return out;
  }

  private builderLeaks(state: SimSnapshot, f: SoakFleet, now: number, strict: boolean): Violation[] {
    const out: Violation[] = [];
    for (const i of Object.values(state.instances)) {
      if (!isOwnedBy(i.tags, f.name) || i.tags[TAG_ROLE] !== 'builder' || i.state === 'terminated' || i.state === 'shutting-down') continue;
      const age = now - i.launchedAt;
      if (strict || age > BAKE_TIMEOUT_MS + BUILDER_SLACK_MS) {
        out.push({ invariant: 'no-leaks', detail: `builder ${i.id} of fleet ${f.name} (commit ${i.tags[TAG_COMMIT]}) is ${i.state} after ${Math.round(age / 60_000)} min` });
      }
    }
    return out;
  }

  private bakedOnce(state: SimSnapshot, f: SoakFleet): Violation[] {
    const note = (into: Map<string, Set<string>>, commit: string | undefined, id: string) => {
      const key = `${f.name}/${commit ?? 'untagged'}`;
      const seen = into.get(key) ?? new Set<string>();
      seen.add(id);
      into.set(key, seen);
    };
    for (const i of Object.values(state.instances)) if (isOwnedBy(i.tags, f.name) && i.tags[TAG_ROLE] === 'builder') note(this.builders, i.tags[TAG_COMMIT], i.id);
    for (const img of Object.values(state.images)) if (isOwnedBy(img.tags, f.name)) note(this.images, img.tags[TAG_COMMIT], img.id);
    const out: Violation[] = [];
    for (const [what, seen] of [['builders', this.builders], ['images', this.images]] as const) {
      for (const [key, ids] of seen) {
        if (key.startsWith(`${f.name}/`) && ids.size > 1) out.push({ invariant: 'baked-once', detail: `${ids.size} ${what} for ${key}: ${[...ids].join(', ')}` });
      }
    }
    return out;
  }

  /** Resources that are leaks unless a deployment or cleanup is about to deal with them. */
  private suspects(state: SimSnapshot, f: SoakFleet): Map<string, string> {
    const out = new Map<string, string>();
    const groups = Object.values(state.groups).filter((g) => g.tags.some((t) => t.key === 'drover:fleet' && t.value === f.name));
    const live = groups.filter((g) => !g.deleting);
    if (live.length > 2) out.set(`${f.name}/groups`, `fleet ${f.name} has ${live.length} live groups: ${live.map((g) => g.name).join(', ')}`);
    for (const lt of Object.values(state.launchTemplates).filter((t) => isOwnedBy(t.tags, f.name))) {
      const pinned = groups.filter((g) => g.launchTemplate.id === lt.id).map((g) => Number(g.launchTemplate.version));
      const below = lt.versions.map((v) => v.number).filter((n) => n < lt.defaultVersion);
      const allowed = new Set([lt.defaultVersion, ...pinned, ...(below.length ? [Math.max(...below)] : [])]);
      for (const v of lt.versions) if (!allowed.has(v.number)) out.set(`${lt.id}/v${v.number}`, `launch template ${lt.name} keeps version ${v.number} beyond policy (default ${lt.defaultVersion})`);
    }
    for (const img of Object.values(state.images)) {
      if (isOwnedBy(img.tags, f.name) && !img.tags[TAG_COMMIT]) out.set(img.id, `image ${img.id} of fleet ${f.name} carries no commit tag`);
    }
    for (const i of Object.values(state.instances)) {
      if (!isOwnedBy(i.tags, f.name) || i.tags[TAG_ROLE] === 'builder' || i.group || i.state === 'terminated') continue;
      out.set(i.id, `instance ${i.id} of fleet ${f.name} (${i.state}) belongs to no group`);
    }
    return out;
  }
}
