/**
 * Answers the lifecycle actions of drover's hooks (see planner/plan-hooks.ts).
 *
 * Launching (Pending:Wait). In AWS an instance held by a launch hook is NOT yet registered
 * with the Classic ELB: the group registers it only when it goes InService after the hook.
 * So drover cannot wait for "InService on the ELB" here. It waits until EC2 reports the
 * instance `running`, then a warm-up of the fleet's health check interval × healthy threshold
 * (the time the ELB would need to see it healthy), and answers CONTINUE; ELB health follows
 * and the group's ELB health check (with its grace period) guards what happens after. An
 * instance not running within grace period + 2 × interval × threshold is ABANDONed.
 *
 * Terminating (Terminating:Wait). The group deregistered the instance from the ELB, which
 * drains its connections. drover waits until the ELB no longer reports it registered (or the
 * draining timeout + 60 s passed), then answers CONTINUE.
 *
 * While waiting longer than half the hook's heartbeat timeout, drover records a heartbeat.
 * Idempotent: one task per (group, instance, transition); a duplicate event is ignored, and
 * an action that is already over ("No active Lifecycle Action found") counts as done.
 * Waits run in the background so the intake is never blocked; a stop aborts them (Auto
 * Scaling then applies the hook's default result, or the next daemon's sweep adopts them).
 *
 * With many replicas (`claims`), any replica may receive an action: it is claimed in the state
 * store on (group, instance, transition) before waiting, so exactly one replica completes it.
 * The holder refreshes its claim with each heartbeat; a claim not refreshed for two heartbeat
 * periods (its holder died) is stale, and the fleet owner's sweep takes it over and completes it.
 */
import type { ActionRef, LifecycleActionsPort, WaitingInstance } from '../../providers/autoscaling/lifecycle-actions';
import { RecentIds } from '../intake/recent-ids';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import type { DesiredFleet } from '../../model/fleet';
import type { LifecycleTransition } from '../../model/events';
import { LAUNCH_HEARTBEAT_SECONDS, LAUNCHING_HOOK, TERMINATING_HOOK } from '../../planner/plan-hooks';
import type { Clock } from '../../util/clock';
import type { LifecycleActionKey, StateStore } from '../../state/port';

/** Lifecycle-action claims in the shared state store, held by this replica. */
export interface LifecycleClaims {
  store: Pick<StateStore, 'claimLifecycleAction' | 'completeLifecycleAction'>;
  holder: string;
}

export interface LifecycleActionInput {
  groupName: string;
  hookName: string;
  instanceId: string;
  transition: LifecycleTransition;
  token?: string;
  /** Seconds, from the notification when it said. */
  heartbeatTimeout?: number;
}

export interface LifecycleTiming {
  warmUpMs: number;
  launchTimeoutMs: number;
  drainTimeoutMs: number;
}

export function lifecycleTiming(fleet: DesiredFleet): LifecycleTiming {
  const hc = fleet.loadBalancer.healthCheck;
  const checksMs = hc.intervalSeconds * hc.healthyThreshold * 1000;
  return {
    warmUpMs: checksMs,
    launchTimeoutMs: fleet.loadBalancer.healthCheckGracePeriodSeconds * 1000 + 2 * checksMs,
    drainTimeoutMs: (fleet.loadBalancer.connectionDrainingSeconds + 60) * 1000,
  };
}

export interface LifecycleHookHandlerOptions {
  port: LifecycleActionsPort;
  clock: Clock;
  logger: Logger;
  /** How often a waiting action re-checks the instance; default 5 s. */
  pollMs?: number;
  /** Shared state: claim each action so one replica completes it (absent: this process is the only one). */
  claims?: LifecycleClaims;
}

type Answer = 'CONTINUE' | 'ABANDON' | 'gone';

export class LifecycleHookHandler {
  private readonly tasks = new Map<string, Promise<void>>();
  private readonly finished = new RecentIds(2000);
  private readonly stopping = new AbortController();
  private readonly log: Logger;
  private readonly pollMs: number;

  constructor(private readonly opts: LifecycleHookHandlerOptions) {
    this.log = opts.logger.child({ component: 'lifecycle' });
    this.pollMs = opts.pollMs ?? 5_000;
  }

  /** Start answering an action. False when it is already being (or was) answered. */
  handle(fleet: DesiredFleet, action: LifecycleActionInput): boolean {
    const key = `${action.groupName}/${action.instanceId}/${action.transition}`;
    const fields = { fleet: fleet.name, group: action.groupName, instanceId: action.instanceId, transition: action.transition, hook: action.hookName };
    if (this.stopping.signal.aborted) return false;
    if (this.tasks.has(key) || this.finished.has(key)) {
      this.log.info({ event: EVENTS.lifecycleActionDuplicate, ...fields }, `lifecycle action for ${action.instanceId} is already handled`);
      return false;
    }
    this.log.info({ event: EVENTS.lifecycleActionReceived, ...fields }, `${action.transition} ${action.instanceId}: waiting before answering ${action.hookName}`);
    const task = this.answer(fleet, action, this.log.child(fields)).then((held) => {
      this.tasks.delete(key);
      // An action another replica held is not remembered as done here: the owner's sweep may take it over once stale.
      if (held) this.finished.add(key);
    });
    this.tasks.set(key, task);
    return true;
  }

  /** Adopt instances waiting on drover's hooks that no event told us about (a restart, a lost message). */
  async sweep(fleet: DesiredFleet, known?: WaitingInstance[]): Promise<number> {
    const waiting = known ?? (await this.opts.port.waitingInstances(fleet.name));
    let adopted = 0;
    for (const w of waiting) {
      const hookName = w.transition === 'launching' ? LAUNCHING_HOOK : TERMINATING_HOOK;
      if (this.handle(fleet, { ...w, hookName })) adopted++;
    }
    if (adopted) this.log.info({ event: EVENTS.lifecycleSweep, fleet: fleet.name, adopted }, `adopted ${adopted} waiting lifecycle action(s)`);
    return adopted;
  }

  /** `sweep` every fleet, reading their groups in batches when the port can (a resync over 2,000 fleets). */
  async sweepAll(fleets: DesiredFleet[]): Promise<number> {
    if (!this.opts.port.waitingInstancesOf) return (await Promise.all(fleets.map((f) => this.sweep(f)))).reduce((a, b) => a + b, 0);
    const waiting = await this.opts.port.waitingInstancesOf(fleets.map((f) => f.name));
    let adopted = 0;
    for (const f of fleets) adopted += await this.sweep(f, waiting.get(f.name) ?? []);
    return adopted;
  }

  active(): number {
    return this.tasks.size;
  }

  /** Resolves when every running wait has answered (tests). */
  async whenIdle(): Promise<void> {
    while (this.tasks.size) await Promise.all([...this.tasks.values()]);
  }

  /** Abort every wait and let the tasks unwind. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.tasks.values()]);
  }

  /** False when another replica holds the action's claim. */
  private async answer(fleet: DesiredFleet, action: LifecycleActionInput, log: Logger): Promise<boolean> {
    const ref: ActionRef = { groupName: action.groupName, hookName: action.hookName, instanceId: action.instanceId, ...(action.token ? { token: action.token } : {}) };
    const heartbeatEveryMs = ((action.heartbeatTimeout ?? LAUNCH_HEARTBEAT_SECONDS) * 1000) / 2;
    const key: LifecycleActionKey = { group: action.groupName, instance: action.instanceId, transition: action.transition };
    try {
      if (!(await this.claim(key, heartbeatEveryMs, log))) return false;
      let lost = false;
      const reclaim = async () => {
        lost = !(await this.claim(key, heartbeatEveryMs, log));
        return !lost;
      };
      const result = await this.waitFor(fleet, action, ref, heartbeatEveryMs, log, reclaim);
      if (result === undefined) return !lost;
      if (result === 'gone') {
        await this.completed(key);
        log.info({ event: EVENTS.lifecycleActionAlreadyDone }, `lifecycle action for ${action.instanceId} is already over`);
        return true;
      }
      const answered = await this.opts.port.complete(ref, result);
      await this.completed(key);
      const event = answered ? EVENTS.lifecycleActionCompleted : EVENTS.lifecycleActionAlreadyDone;
      log.info({ event, result }, answered ? `completed ${action.hookName} for ${action.instanceId} with ${result}` : `lifecycle action for ${action.instanceId} was already over`);
    } catch (err) {
      log.error({ event: EVENTS.lifecycleActionFailed, err: String(err) }, `answering ${action.hookName} for ${action.instanceId}: ${(err as Error)?.message ?? err}`);
    }
    return true;
  }

  /** Claim (or refresh the claim on) an action; true when this replica holds it (always, without shared claims). */
  private async claim(key: LifecycleActionKey, heartbeatEveryMs: number, log: Logger): Promise<boolean> {
    const claims = this.opts.claims;
    if (!claims) return true;
    const r = await claims.store.claimLifecycleAction(key, { holder: claims.holder, nowMs: this.opts.clock.nowMs(), staleAfterMs: 2 * heartbeatEveryMs });
    if (!r.claimed) {
      const how = r.claim.completedAtMs !== undefined ? 'was completed' : 'is being answered';
      log.info({ event: EVENTS.lifecycleActionDuplicate, holder: r.claim.holder }, `lifecycle action for ${key.instance} ${how} by replica ${r.claim.holder}`);
    }
    return r.claimed;
  }

  private async completed(key: LifecycleActionKey): Promise<void> {
    const claims = this.opts.claims;
    if (claims) await claims.store.completeLifecycleAction(key, claims.holder, this.opts.clock.nowMs());
  }

  /** Poll until the action can be answered; undefined when stopped or when another replica took the claim over. */
  private async waitFor(fleet: DesiredFleet, action: LifecycleActionInput, ref: ActionRef, heartbeatEveryMs: number, log: Logger, reclaim: () => Promise<boolean>): Promise<Answer | undefined> {
    const clock = this.opts.clock;
    const timing = lifecycleTiming(fleet);
    const startMs = clock.nowMs();
    let lastBeatMs = startMs;
    const check = action.transition === 'launching' ? this.launchCheck(timing, action.instanceId) : this.drainCheck(fleet, timing, action.instanceId);
    for (;;) {
      if (this.stopping.signal.aborted) return undefined;
      try {
        const decided = await check(clock.nowMs() - startMs);
        if (decided) return decided;
      } catch (err) {
        log.warn({ event: EVENTS.lifecycleActionFailed, err: String(err) }, `checking ${action.instanceId}; will retry: ${(err as Error)?.message ?? err}`);
      }
      if (clock.nowMs() - lastBeatMs >= heartbeatEveryMs) {
        lastBeatMs = clock.nowMs();
        if (!(await this.opts.port.heartbeat(ref).catch(() => true))) return 'gone';
        if (!(await reclaim())) return undefined;
        log.debug({ event: EVENTS.lifecycleActionHeartbeat }, `heartbeat for ${action.instanceId}`);
      }
      try {
        await clock.sleep(this.pollMs, this.stopping.signal);
      } catch {
        return undefined;
      }
    }
  }

  private launchCheck(timing: LifecycleTiming, instanceId: string): (elapsedMs: number) => Promise<Answer | undefined> {
    let runningAtMs: number | undefined;
    return async (elapsedMs) => {
      const state = await this.opts.port.instanceState(instanceId);
      if (state === undefined || ['shutting-down', 'terminated', 'stopping', 'stopped'].includes(state)) return 'ABANDON';
      if (state === 'running') {
        runningAtMs ??= elapsedMs;
        if (elapsedMs - runningAtMs >= timing.warmUpMs) return 'CONTINUE';
      }
      return elapsedMs >= timing.launchTimeoutMs ? 'ABANDON' : undefined;
    };
  }

  private drainCheck(fleet: DesiredFleet, timing: LifecycleTiming, instanceId: string): (elapsedMs: number) => Promise<Answer | undefined> {
    return async (elapsedMs) => {
      const health = await this.opts.port.elbHealth(fleet.loadBalancer.name, instanceId);
      if (!health.registered) return 'CONTINUE';
      return elapsedMs >= timing.drainTimeoutMs ? 'CONTINUE' : undefined;
    };
  }
}
