/** An in-memory group for rolling tests: instance refreshes that finish on a VirtualClock. */
import type { VirtualClock } from '../../../src/util/clock';
import type { RefreshStatus } from '../../../src/deploy/machines/rolling.machine';
import type { RollingPorts } from '../../../src/deploy/machines/ports';

export interface FakeRefresh { id: string; version: number; startedAtMs: number }

export class FakeRollingWorld implements RollingPorts {
  readonly refreshes: FakeRefresh[] = [];
  /** Version the group's instances run once the last successful refresh finished. */
  currentVersion: number;

  constructor(
    readonly clock: VirtualClock,
    readonly options: { initialVersion: number; refreshSeconds?: number; failVersions?: number[]; prepareFails?: string },
  ) {
    this.currentVersion = options.initialVersion;
  }

  /** Suspended InstanceRefresh process: refreshes make no progress (the clock time held is added back on resume). */
  heldSinceMs?: number;
  readonly holds: boolean[] = [];

  async holdInstanceRefresh(input: { hold: boolean }) {
    this.holds.push(input.hold);
    const now = this.clock.nowMs();
    if (input.hold) this.heldSinceMs ??= now;
    else if (this.heldSinceMs !== undefined) {
      for (const r of this.refreshes) r.startedAtMs += now - this.heldSinceMs;
      this.heldSinceMs = undefined;
    }
    return { nowMs: now };
  }

  status(r: FakeRefresh): RefreshStatus {
    if (this.heldSinceMs !== undefined || this.clock.nowMs() < r.startedAtMs + (this.options.refreshSeconds ?? 600) * 1000) return 'InProgress';
    return (this.options.failVersions ?? []).includes(r.version) ? 'Failed' : 'Successful';
  }

  /** Launch template versions made, by image: the first gets initialVersion + 1. */
  readonly versions = new Map<string, number>();

  async prepareVersion(input: { amiId: string; deploymentId: string }) {
    if (this.options.prepareFails) throw new Error(this.options.prepareFails);
    const made = this.versions.get(input.amiId) ?? this.options.initialVersion + 1 + this.versions.size;
    this.versions.set(input.amiId, made);
    return { version: made, previousVersion: this.options.initialVersion };
  }

  async startInstanceRefresh(input: { launchTemplateVersion: number }) {
    const live = this.refreshes.find((r) => r.version === input.launchTemplateVersion && this.status(r) !== 'Failed');
    if (live) return { refreshId: live.id };
    const r = { id: `refresh-${this.refreshes.length + 1}`, version: input.launchTemplateVersion, startedAtMs: this.clock.nowMs() };
    this.refreshes.push(r);
    return { refreshId: r.id };
  }

  /** The group serves in full unless a test says otherwise (`serving`, `gone`). */
  serving = { desired: 2, inService: 2 };
  gone = false;

  async reobserve(input: { groupNames: string[] }) {
    const facts = this.gone
      ? { exists: false, desired: 0, attached: false, inService: 0 }
      : { exists: true, desired: this.serving.desired, attached: true, inService: this.serving.inService };
    return { groups: Object.fromEntries(input.groupNames.map((n) => [n, facts])), nowMs: this.clock.nowMs() };
  }

  async pollInstanceRefresh(input: { refreshId: string }) {
    const r = this.refreshes.find((x) => x.id === input.refreshId);
    const status = r ? this.status(r) : ('Missing' as const);
    if (r && status === 'Successful') this.currentVersion = r.version;
    const percentComplete = status === 'InProgress' && r ? Math.floor(((this.clock.nowMs() - r.startedAtMs) / ((this.options.refreshSeconds ?? 600) * 1000)) * 100) : 100;
    return { status, percentComplete, nowMs: this.clock.nowMs() };
  }
}
