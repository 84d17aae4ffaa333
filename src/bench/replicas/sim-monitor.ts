/**
 * The multi-replica harness's watch over the simulated account (served from the harness's own
 * process, so it sees every call and every clock step):
 * - capacity: a fleet's InService count on its load balancer never falls below its desired
 *   capacity once it first reached it (sampled on every lifecycle tick and after every call);
 * - green groups: at most one group created per deployment of a fleet (the first group of a
 *   fleet is its initial one), and never more than two live groups with capacity at once;
 * - lifecycle actions: every CompleteLifecycleAction the account receives, keyed by (group,
 *   hook, instance), whether it names the action by token or by instance; one sent for an action that had already been completed is a duplicate,
 *   whether or not the account accepted it (it refuses: no active action).
 */
import { parseGroupGeneration } from '../../model/names';
import type { SimAccount } from '../../sim';

export interface WatchedFleet {
  name: string;
  loadBalancer: string;
  desired: number;
}

export interface CapacityDip {
  fleet: string;
  atMs: number;
  inService: number;
  desired: number;
}

export class SimMonitor {
  capacityChecks = 0;
  readonly dips: CapacityDip[] = [];
  readonly lowest = new Map<string, number>();
  /** Completions the account accepted, per action key. */
  readonly completed = new Map<string, number>();
  /** CompleteLifecycleAction calls for an action already completed. */
  readonly duplicates: Array<{ key: string; atMs: number; error?: string }> = [];
  /** Moments a fleet had more than two live groups with capacity. */
  readonly crowded: Array<{ fleet: string; atMs: number; groups: string[] }> = [];
  private readonly armed = new Set<string>();
  private groupsAtMs = -Infinity;
  private watching = false;
  private readonly groupsSeen = new Map<string, Set<string>>();
  private readonly initialGroups = new Map<string, Set<string>>();
  private detach: () => void = () => undefined;

  constructor(
    private readonly sim: SimAccount,
    private readonly fleets: WatchedFleet[],
  ) {}

  start(): void {
    this.watching = true;
    this.watchCompletions();
    for (const f of this.fleets) this.initialGroups.set(f.name, new Set(this.liveGroups(f.name).map((g) => g.name)));
    this.detach = this.sim.onTick(() => this.sample());
    let attached = true;
    this.sim.onSettled(() => {
      if (attached) this.sample();
    });
    const off = this.detach;
    this.detach = () => {
      attached = false;
      off();
    };
  }

  stop(): void {
    this.watching = false;
    this.detach();
    this.sample();
  }

  /** Groups created for `fleet` since start (its initial group counts when it was created after start). */
  groupsCreated(fleet: string): string[] {
    const initial = this.initialGroups.get(fleet) ?? new Set<string>();
    return [...(this.groupsSeen.get(fleet) ?? [])].filter((g) => !initial.has(g));
  }

  /** Green groups beyond one per deployment: `deployments` is how many the run started for the fleet (plus its creation, if it was created during the run). */
  extraGreens(fleet: string, deployments: number): number {
    return Math.max(0, this.groupsCreated(fleet).length - deployments);
  }

  sample(): void {
    const now = this.sim.nowMs();
    // Nothing here reads the account's call record: let it go (memory over a long run).
    this.sim.calls.splice(0, this.sim.calls.length);
    // Groups change over minutes: look at them once per virtual second (capacity on every sample).
    const groups = now >= this.groupsAtMs + 1_000 ? this.sim.groups() : undefined;
    if (groups) this.groupsAtMs = now;
    for (const f of this.fleets) {
      if (groups) this.noteGroups(f, groups, now);
      const inService = this.sim.inServiceCount(f.loadBalancer);
      if (!this.armed.has(f.name)) {
        if (inService >= f.desired) this.armed.add(f.name);
        continue;
      }
      this.capacityChecks++;
      this.lowest.set(f.name, Math.min(this.lowest.get(f.name) ?? Infinity, inService));
      if (inService < f.desired) this.dips.push({ fleet: f.name, atMs: now, inService, desired: f.desired });
    }
  }

  private noteGroups(f: WatchedFleet, groups: ReturnType<SimAccount['groups']>, now: number): void {
    const live = groups.filter((g) => !g.deleting && parseGroupGeneration(f.name, g.name) !== undefined);
    const seen = this.groupsSeen.get(f.name) ?? new Set<string>();
    for (const g of live) seen.add(g.name);
    this.groupsSeen.set(f.name, seen);
    const serving = live.filter((g) => g.desired > 0);
    if (serving.length > 2) this.crowded.push({ fleet: f.name, atMs: now, groups: serving.map((g) => g.name) });
  }

  private liveGroups(fleet: string) {
    return this.sim.groups().filter((g) => !g.deleting && parseGroupGeneration(fleet, g.name) !== undefined);
  }

  /**
   * See each CompleteLifecycleAction as it arrives: the token is resolved to its instance
   * before the call (the account forgets it once the action is over).
   */
  private watchCompletions(): void {
    const dispatch = this.sim.dispatch.bind(this.sim);
    this.sim.dispatch = async (service: string, operation: string, input: unknown) => {
      if (!this.watching || operation.replace(/Command$/, '') !== 'CompleteLifecycleAction') return dispatch(service, operation, input);
      const i = input as { AutoScalingGroupName?: string; LifecycleHookName?: string; InstanceId?: string; LifecycleActionToken?: string };
      const key = `${i.AutoScalingGroupName}/${i.LifecycleHookName}/${i.InstanceId ?? this.instanceOfToken(i.LifecycleActionToken) ?? i.LifecycleActionToken}`;
      const atMs = this.sim.nowMs();
      try {
        const out = await dispatch(service, operation, input);
        this.completion(key, atMs);
        return out;
      } catch (err) {
        this.completion(key, atMs, (err as Error).name ?? String(err));
        throw err;
      }
    };
  }

  private completion(key: string, atMs: number, error?: string): void {
    const done = this.completed.get(key) ?? 0;
    if (done > 0) this.duplicates.push({ key, atMs, ...(error ? { error } : {}) });
    if (!error) this.completed.set(key, done + 1);
  }

  /** The instance a lifecycle action token belongs to (tokens are kept on the group's instance record). */
  private instanceOfToken(token: string | undefined): string | undefined {
    if (!token) return undefined;
    for (const g of Object.values(this.sim.snapshot().groups)) {
      for (const gi of Object.values(g.instances)) if (gi.action?.token === token) return gi.id;
    }
    return undefined;
  }
}
