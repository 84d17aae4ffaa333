/**
 * The capacity invariant, sampled on every simulated tick: a fleet's InService count on its
 * ELB never falls below its minimum, once it first reached it.
 *
 * The one excuse is the simulated account failing instances itself (an instance retired
 * under the fleet). Each such failure allows one instance less for REPLACE_MS after it: Auto
 * Scaling needs that long to notice, launch (with its launch retry backoff), boot, pass the
 * launching hook and the ELB health checks. A capacity shortage of the fleet's instance type
 * while an excuse runs extends it to REPLACE_MS after the shortage ends (the replacement
 * cannot launch before). A shortage alone excuses nothing: it stops new launches, and no
 * serving instance should be lost to it.
 */
import type { SimAccount } from '../sim';
import type { SoakFleet } from './fleets';

export const REPLACE_MS = 10 * 60_000;

export interface CapacityBreach {
  fleet: string;
  atMs: number;
  inService: number;
  min: number;
  excused: number;
}

interface Excuse {
  until: number;
  deficit: number;
}

export class CapacityWatch {
  checks = 0;
  breach?: CapacityBreach;
  private readonly armed = new Set<string>();
  private readonly excuses = new Map<string, Excuse>();
  private readonly shortages: Array<{ instanceType: string; until: number }> = [];
  private readonly lowest = new Map<string, number>();

  constructor(
    private readonly sim: SimAccount,
    private readonly fleets: SoakFleet[],
  ) {}

  /** Sample on every tick until the returned function is called. */
  attach(): () => void {
    return this.sim.onTick((now) => this.sample(now));
  }

  /** The account failed one of `fleet`'s instances now. */
  accountFailed(fleet: string): void {
    const now = this.sim.nowMs();
    const type = this.fleets.find((f) => f.name === fleet)?.instanceType ?? '';
    const blockedUntil = Math.max(now, ...this.shortages.filter((s) => s.until > now && matches(s.instanceType, type)).map((s) => s.until));
    const prev = this.excuses.get(fleet);
    const active = prev && prev.until > now ? prev : undefined;
    this.excuses.set(fleet, { until: Math.max(active?.until ?? 0, blockedUntil + REPLACE_MS), deficit: (active?.deficit ?? 0) + 1 });
  }

  /** Launches of `instanceType` are refused until `until`. */
  shortage(instanceType: string, until: number): void {
    const now = this.sim.nowMs();
    this.shortages.push({ instanceType, until });
    for (const f of this.fleets) {
      const e = this.excuses.get(f.name);
      if (e && e.until > now && matches(instanceType, f.instanceType)) e.until = Math.max(e.until, until + REPLACE_MS);
    }
  }

  /** The least InService count seen per fleet once armed (for the summary). */
  lowestSeen(): Map<string, number> {
    return new Map(this.lowest);
  }

  private sample(now: number): void {
    for (const f of this.fleets) {
      const inService = this.sim.inServiceCount(f.loadBalancer);
      if (!this.armed.has(f.name)) {
        if (inService >= f.min) this.armed.add(f.name);
        continue;
      }
      this.checks++;
      this.lowest.set(f.name, Math.min(this.lowest.get(f.name) ?? Infinity, inService));
      const e = this.excuses.get(f.name);
      const excused = e && e.until > now ? e.deficit : 0;
      if (inService < f.min - excused && !this.breach) this.breach = { fleet: f.name, atMs: now, inService, min: f.min, excused };
    }
  }
}

function matches(shortType: string, instanceType: string): boolean {
  return shortType === '*' || shortType === instanceType;
}
