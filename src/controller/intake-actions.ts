/**
 * What the daemon does with each parsed event, after routing it to fleets:
 * - bake: count the commit in the bake register (persisted before the message is acked) and
 *   tell the reconciler about the register's next startable commit; enqueue the fleet;
 * - reload-manifests: `git pull --ff-only` the manifest checkout and reload;
 * - lifecycle: the LifecycleHookHandler answers the action in the background;
 * - alarm: tell the reconciler, enqueue the fleet;
 * - record / ignore: log only.
 * A handler error leaves the message for redelivery; nothing here stops other fleets.
 */
import type { QueueMessage } from '../cloud/event-queue';
import { fleetRoutes, routeEvent, type RouteDecision } from '../intake/route';
import { EVENTS } from '../log/events';
import type { Logger } from '../log/logger';
import type { ControllerEvent } from '../model/events';
import type { DesiredFleet } from '../model/fleet';
import { LAUNCHING_HOOK, TERMINATING_HOOK } from '../planner/plan-hooks';
import type { BakeRegisterStore } from './bake-register-store';
import type { LifecycleHookHandler } from './lifecycle-hooks';
import type { FleetReconciler } from './loop';

const DROVER_HOOKS = [LAUNCHING_HOOK, TERMINATING_HOOK];

export interface IntakeActionsDeps {
  fleets(): DesiredFleet[];
  manifestRepo(): string | undefined;
  reconciler: () => FleetReconciler;
  enqueue(fleet: string): void;
  bakes: BakeRegisterStore;
  lifecycle: LifecycleHookHandler;
  reloadManifests(): Promise<void>;
  /** drover_messages_total. */
  countMessage?(kind: string, outcome: string): void;
  logger: Logger;
}

export class IntakeActions {
  private readonly log: Logger;
  /** Bake bookkeeping runs one at a time per fleet (a batch of messages is handled concurrently). */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: IntakeActionsDeps) {
    this.log = deps.logger.child({ component: 'intake' });
  }

  /** The SqsPoller's handler. */
  readonly handler = async (event: ControllerEvent, msg: QueueMessage): Promise<void> => {
    const decision = routeEvent(event, fleetRoutes(this.deps.fleets()), this.deps.manifestRepo());
    this.log.info({ event: EVENTS.intakeRouted, kind: event.kind, action: decision.action, fleets: decision.fleetKeys, messageId: msg.messageId }, decision.reason);
    try {
      await this.act(event, decision, msg);
    } catch (err) {
      this.deps.countMessage?.(event.kind, 'failed');
      throw err;
    }
    this.deps.countMessage?.(event.kind, decision.action);
  };

  private async act(event: ControllerEvent, decision: RouteDecision, msg: QueueMessage): Promise<void> {
    const fleets = decision.fleetKeys.map((k) => this.deps.fleets().find((f) => f.name === k)).filter((f): f is DesiredFleet => !!f);
    switch (decision.action) {
      case 'bake':
        for (const f of fleets) await this.bake(f, decision.commit ?? '', event.at, msg.messageId);
        return;
      case 'reload-manifests':
        return this.deps.reloadManifests();
      case 'lifecycle':
        if (event.kind !== 'lifecycle_action') return;
        if (!DROVER_HOOKS.includes(event.hookName)) {
          this.log.info({ event: EVENTS.eventRecorded, hook: event.hookName, instanceId: event.instanceId }, `lifecycle hook ${event.hookName} is not drover's; left for its owner`);
          return;
        }
        for (const f of fleets) this.deps.lifecycle.handle(f, event);
        return;
      case 'alarm':
        if (event.kind !== 'alarm_state_changed') return;
        for (const f of fleets) {
          await this.deps.reconciler().alarmChanged?.(f, { name: event.alarmName, state: event.state, reason: event.reason });
          this.deps.enqueue(f.name);
        }
        return;
      case 'record':
        this.log.info({ event: EVENTS.eventRecorded, kind: event.kind, fleets: decision.fleetKeys }, decision.reason);
        return;
      case 'ignore':
        return;
    }
  }

  private serialize<T>(fleet: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(fleet) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(fleet, tail);
    void tail.then(() => this.locks.get(fleet) === tail && this.locks.delete(fleet));
    return run;
  }

  private async bake(fleet: DesiredFleet, commit: string, at: string, messageId: string): Promise<void> {
    await this.serialize(fleet.name, async () => {
      const { outcome, reason } = this.deps.bakes.request(fleet.name, { commit, at, messageId });
      this.log.info({ event: EVENTS.bakeRequested, fleet: fleet.name, commit, outcome, messageId }, reason);
      await this.startNextBake(fleet.name);
    });
    this.deps.enqueue(fleet.name);
  }

  /** Hand the register's next startable commit to the reconciler (idempotent per commit). Call under the fleet's lock. */
  private async startNextBake(fleetName: string): Promise<void> {
    const fleet = this.deps.fleets().find((f) => f.name === fleetName);
    if (!fleet || this.deps.bakes.inFlight(fleetName)) return;
    const pending = this.deps.bakes.current().fleets[fleetName]?.pending;
    if (!pending) return;
    // Tell the reconciler first: if it fails, the commit stays pending and a redelivery retries.
    await this.deps.reconciler().requestBake?.(fleet, { sha: pending.commit, at: pending.at, ...(pending.messageId ? { messageId: pending.messageId } : {}) });
    this.deps.bakes.start(fleetName);
    this.log.info({ event: EVENTS.bakeStarted, fleet: fleetName, commit: pending.commit }, `bake of ${pending.commit.slice(0, 12)} handed to the reconciler`);
  }

  /** The reconciler finished (or gave up on) the bake of `commit`: start the next one, if any. */
  bakeFinished(fleetName: string, commit: string): Promise<void> {
    return this.serialize(fleetName, async () => {
      if (this.deps.bakes.finish(fleetName, commit)) {
        this.log.info({ event: EVENTS.bakeFinished, fleet: fleetName, commit }, `bake of ${commit.slice(0, 12)} finished`);
      }
      await this.startNextBake(fleetName);
    });
  }

  /** At start: re-announce in-flight bakes (the reconciler must treat a repeat as a no-op) and start pending ones. */
  async resumeBakes(): Promise<void> {
    for (const [name, queue] of Object.entries(this.deps.bakes.current().fleets)) {
      const fleet = this.deps.fleets().find((f) => f.name === name);
      if (!fleet) continue;
      const inFlight = queue.inFlight;
      await this.serialize(name, async () => {
        if (inFlight) await this.deps.reconciler().requestBake?.(fleet, { sha: inFlight.commit, at: inFlight.at, ...(inFlight.messageId ? { messageId: inFlight.messageId } : {}) });
        else await this.startNextBake(name);
      });
    }
  }
}
