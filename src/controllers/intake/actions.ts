/**
 * What the daemon does with each parsed event, after routing it to fleets:
 * - bake: count the commit in the bake register (persisted before the message is acked) and
 *   tell the reconciler about the register's next startable commit; enqueue the fleet;
 * - reload-manifests: `git pull --ff-only` the manifest checkout and reload (with shared state,
 *   announced in the table so every replica pulls);
 * - lifecycle: the LifecycleHookHandler answers the action in the background;
 * - alarm: tell the reconciler, enqueue the fleet;
 * - instance: an EC2 state change enqueues the fleet whose `drover:fleet` tag the instance
 *   carries (any fleet of its region when the lookup fails); an instance no fleet owns is
 *   deleted with a debug line. Never rejected, so never dead-lettered;
 * - drop: a group, alarm or region/account that is not the fleet's: a warning says why;
 * - record / ignore: log only.
 * Commit decisions (bake outcomes, a merge waiting for its push) are also fleet events, so
 * `drover events` shows why a commit was or was not baked.
 * A handler error leaves the message for redelivery; nothing here stops other fleets.
 */
import type { QueueMessage } from '../../providers/events/queue';
import { fleetRoutes, routeEvent, type RouteDecision } from './route';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import type { ControllerEvent, InstanceStateChanged, LifecycleAction } from '../../model/events';
import type { DesiredFleet } from '../../model/fleet';
import { appendEvent, type FleetEvent } from '../../model/fleet-status';
import type { StatusStore } from '../../status/status-store';
import { LAUNCHING_HOOK, TERMINATING_HOOK } from '../../planner/plan-hooks';
import type { BakeRequestOutcome } from './bake-requests';
import type { BakeQueues } from './bake-queues';
import type { LifecycleHookHandler } from '../fleet/lifecycle-hooks';
import type { Reconciler } from '../queue/loop';

const DROVER_HOOKS = [LAUNCHING_HOOK, TERMINATING_HOOK];

const BAKE_REASONS: Record<BakeRequestOutcome, string> = {
  queued: 'BakeQueued',
  replaced: 'BakeCoalesced',
  duplicate: 'BakeDuplicate',
  'already-deployed': 'BakeAlreadyDeployed',
  superseded: 'BakeSuperseded',
};

function origin(event: ControllerEvent): { region?: string; account?: string } {
  const e = event as { region?: string; account?: string };
  return { ...(e.region ? { region: e.region } : {}), ...(e.account ? { account: e.account } : {}) };
}

export interface IntakeActionsDeps {
  fleets(): DesiredFleet[];
  manifestRepo(): string | undefined;
  reconciler: () => Reconciler;
  enqueue(fleet: string): void;
  bakes: BakeQueues;
  /**
   * Whether this replica owns the fleet now (shared state; default: every fleet). A non-owner
   * records the fact (a bake request) in the fleet's record and nudges the owner, which acts on
   * it in its next pass (`pickUp`); it never starts a bake or tells its own reconciler.
   */
  owns?(fleet: string): boolean;
  /** Ask the owner to reconcile the fleet soon (shared state). */
  nudge?(fleet: string): Promise<void>;
  /** Tell the other replicas to pull the manifest repository too (shared state). */
  announceManifests?(revision: string): Promise<void>;
  lifecycle: LifecycleHookHandler;
  reloadManifests(): Promise<void>;
  /** drover_messages_total. */
  countMessage?(kind: string, outcome: string): void;
  /** The AWS account drover runs in (events from another are dropped), when known. */
  account?(): string | undefined;
  /** The fleet an instance belongs to, by its ownership tag. */
  instanceOwner?(instanceId: string): Promise<string | undefined>;
  /** A group's owner tag and instances, to drop lifecycle actions that are not the fleet's. */
  groupMembership?(groupName: string): Promise<{ fleet?: string; instanceIds: string[] } | undefined>;
  /** Show a decision in `drover events`. */
  recordEvent?(fleet: string, event: Omit<FleetEvent, 'fleet' | 'at'>): void | Promise<void>;
  logger: Logger;
}

export class IntakeActions {
  private readonly log: Logger;
  /** Bake bookkeeping runs one at a time per fleet (a batch of messages is handled concurrently). */
  private readonly locks = new Map<string, Promise<unknown>>();
  /** The in-flight commit each fleet's reconciler was told of, by this process. */
  private readonly announced = new Map<string, string>();

  constructor(private readonly deps: IntakeActionsDeps) {
    this.log = deps.logger.child({ component: 'intake' });
  }

  /** The SqsPoller's handler. */
  readonly handler = async (event: ControllerEvent, msg: QueueMessage): Promise<void> => {
    const decision = routeEvent(event, fleetRoutes(this.deps.fleets()), this.deps.manifestRepo(), this.deps.account?.());
    if (decision.action === 'drop') this.log.warn({ event: EVENTS.intakeDropped, kind: event.kind, messageId: msg.messageId, ...origin(event) }, decision.reason);
    else this.log.info({ event: EVENTS.intakeRouted, kind: event.kind, action: decision.action, fleets: decision.fleetKeys, messageId: msg.messageId }, decision.reason);
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
        for (const f of fleets) await this.bake(f, decision, event.at, msg.messageId);
        return;
      case 'instance':
        if (event.kind === 'instance_state_changed') await this.instanceChanged(event);
        return;
      case 'reload-manifests': {
        await this.deps.reloadManifests();
        // Other replicas pull when they see a new revision (each message id is new, even for the same head).
        const head = event.kind === 'push_received' ? event.after.slice(0, 12) : event.kind;
        await this.deps.announceManifests?.(`${head} ${msg.messageId}`);
        return;
      }
      case 'lifecycle':
        if (event.kind !== 'lifecycle_action') return;
        if (!DROVER_HOOKS.includes(event.hookName)) {
          this.log.info({ event: EVENTS.eventRecorded, hook: event.hookName, instanceId: event.instanceId }, `lifecycle hook ${event.hookName} is not drover's; left for its owner`);
          return;
        }
        for (const f of fleets) {
          const foreign = await this.notTheFleets(f, event);
          if (foreign) this.log.warn({ event: EVENTS.intakeDropped, kind: event.kind, fleet: f.name, group: event.groupName, instanceId: event.instanceId }, foreign);
          else this.deps.lifecycle.handle(f, event);
        }
        return;
      case 'alarm':
        if (event.kind !== 'alarm_state_changed') return;
        for (const f of fleets) {
          // The owner's deployment reads its alarms itself; a non-owner only hurries its pass.
          if (!this.owns(f.name)) await this.nudge(f.name, `alarm ${event.alarmName}`);
          else await this.deps.reconciler().alarmChanged?.(f, { name: event.alarmName, state: event.state, reason: event.reason });
          this.deps.enqueue(f.name);
        }
        return;
      case 'record':
        if (event.kind === 'merge_requested') {
          this.log.info({ event: EVENTS.mergeAwaitingPush, fleets: decision.fleetKeys, mergeRequestIid: event.mergeRequestIid, branch: event.branch, merge_commit_sha: null, squash_commit_sha: null }, decision.reason);
          for (const f of fleets) await this.deps.recordEvent?.(f.name, { type: 'Normal', reason: 'MergeAwaitingPush', message: decision.reason });
          return;
        }
        this.log.info({ event: EVENTS.eventRecorded, kind: event.kind, fleets: decision.fleetKeys }, decision.reason);
        return;
      case 'drop':
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

  private async bake(fleet: DesiredFleet, decision: RouteDecision, at: string, messageId: string): Promise<void> {
    const commit = decision.commit ?? '';
    const before = decision.before;
    await this.serialize(fleet.name, async () => {
      const { outcome, reason } = await this.deps.bakes.request(fleet.name, { commit, at, messageId, ...(before ? { before } : {}) });
      const fields = { fleet: fleet.name, commit, commitSource: decision.commitSource, before, outcome, messageId };
      this.log.info({ event: EVENTS.bakeRequested, ...fields }, `${decision.reason}: ${reason}`);
      const counted = outcome === 'queued' || outcome === 'replaced';
      await this.deps.recordEvent?.(fleet.name, { type: 'Normal', reason: BAKE_REASONS[outcome], message: `${decision.reason}: ${counted ? reason : `not baked, ${reason}`}` });
      if (this.owns(fleet.name)) await this.startNextBake(fleet.name);
      else await this.nudge(fleet.name, `bake of ${commit.slice(0, 12)}`);
    });
    this.deps.enqueue(fleet.name);
  }

  private owns(fleet: string): boolean {
    return this.deps.owns?.(fleet) ?? true;
  }

  /** The fact is recorded; a failed nudge only delays the owner until its next resync pass. */
  private async nudge(fleet: string, what: string): Promise<void> {
    try {
      await this.deps.nudge?.(fleet);
    } catch (err) {
      this.log.warn({ event: EVENTS.intakeRouted, fleet, err: String(err) }, `${what} recorded for fleet ${fleet}; telling its owner failed (${(err as Error).message}): it acts on it at its next resync`);
    }
  }

  /**
   * Why a lifecycle action is not the fleet's (the group is gone, carries another fleet's tag or
   * none, or the instance is not in it), or undefined. A failed lookup lets the handler decide.
   */
  private async notTheFleets(fleet: DesiredFleet, event: LifecycleAction): Promise<string | undefined> {
    let group: { fleet?: string; instanceIds: string[] } | undefined;
    try {
      if (!this.deps.groupMembership) return undefined;
      group = await this.deps.groupMembership(event.groupName);
    } catch (err) {
      this.log.debug({ event: EVENTS.intakeRouted, group: event.groupName, err: String(err) }, `describing group ${event.groupName} failed; answering the action anyway`);
      return undefined;
    }
    const what = `lifecycle action for ${event.instanceId} in group ${event.groupName} dropped`;
    if (!group) return `${what}: the group does not exist`;
    if (group.fleet !== fleet.name) return `${what}: the group is not drover's for fleet ${fleet.name} (its drover:fleet tag is ${group.fleet ?? 'absent'})`;
    if (!group.instanceIds.includes(event.instanceId)) return `${what}: the instance is not in the group`;
    return undefined;
  }

  /** Enqueue the fleet that owns the instance; on a failed lookup, every fleet of the event's region (a reconcile is cheap). */
  private async instanceChanged(event: InstanceStateChanged): Promise<void> {
    const fields = { event: EVENTS.intakeInstanceChanged, instanceId: event.instanceId, state: event.state, ...origin(event) };
    let owner: string | undefined;
    try {
      owner = await this.deps.instanceOwner?.(event.instanceId);
    } catch (err) {
      const fleets = this.deps.fleets().filter((f) => !event.region || f.region === event.region);
      this.log.warn({ ...fields, err: String(err), fleets: fleets.map((f) => f.name) }, `looking up the owner of instance ${event.instanceId} failed; reconciling the fleets of its region`);
      for (const f of fleets) this.deps.enqueue(f.name);
      return;
    }
    const fleet = owner ? this.deps.fleets().find((f) => f.name === owner) : undefined;
    if (!fleet) {
      this.log.debug({ ...fields, owner }, `instance ${event.instanceId} (${event.state}) belongs to no fleet drover manages; deleting the event`);
      return;
    }
    this.log.info({ ...fields, fleet: fleet.name }, `instance ${event.instanceId} of fleet ${fleet.name} is now ${event.state}; reconciling`);
    this.deps.enqueue(fleet.name);
  }

  /** Hand the register's next startable commit to the reconciler (idempotent per commit). Call under the fleet's lock. True when it did. */
  private async startNextBake(fleetName: string): Promise<boolean> {
    const fleet = this.deps.fleets().find((f) => f.name === fleetName);
    if (!fleet) return false;
    const queue = await this.deps.bakes.queueOf(fleetName);
    const pending = queue?.pending;
    if (queue?.inFlight || !pending) return false;
    // Tell the reconciler first: if it fails, the commit stays pending and a redelivery (or the next pass) retries.
    await this.deps.reconciler().requestBake?.(fleet, { sha: pending.commit, at: pending.at, ...(pending.messageId ? { messageId: pending.messageId } : {}) });
    await this.deps.bakes.start(fleetName, pending);
    this.announced.set(fleetName, pending.commit);
    this.log.info({ event: EVENTS.bakeStarted, fleet: fleetName, commit: pending.commit }, `bake of ${pending.commit.slice(0, 12)} handed to the reconciler`);
    return true;
  }

  /** The reconciler finished (or gave up on) the bake of `commit`: start the next one, if any. */
  bakeFinished(fleetName: string, commit: string): Promise<void> {
    return this.serialize(fleetName, async () => {
      if (await this.deps.bakes.finish(fleetName, commit)) {
        this.log.info({ event: EVENTS.bakeFinished, fleet: fleetName, commit }, `bake of ${commit.slice(0, 12)} finished`);
      }
      await this.startNextBake(fleetName);
    });
  }

  /** At start: re-announce in-flight bakes (the reconciler must treat a repeat as a no-op) and start pending ones. */
  async resumeBakes(): Promise<void> {
    for (const name of await this.deps.bakes.resumable()) await this.pickUp(name);
  }

  /**
   * Beside the owner's passes (shared state): act on the fleet's queue as recorded, whoever
   * recorded it. An in-flight bake is announced to the reconciler once per process and gain.
   * A commit handed over enqueues the fleet, so its next pass starts it.
   */
  async pickUp(fleetName: string): Promise<void> {
    const handed = await this.serialize(fleetName, async () => {
      const fleet = this.deps.fleets().find((f) => f.name === fleetName);
      if (!fleet) return false;
      const inFlight = (await this.deps.bakes.queueOf(fleetName))?.inFlight;
      if (!inFlight) return this.startNextBake(fleetName);
      if (this.announced.get(fleetName) === inFlight.commit) return false;
      await this.deps.reconciler().requestBake?.(fleet, { sha: inFlight.commit, at: inFlight.at, ...(inFlight.messageId ? { messageId: inFlight.messageId } : {}) });
      this.announced.set(fleetName, inFlight.commit);
      return true;
    });
    if (handed) this.deps.enqueue(fleetName);
  }

  /** The fleets' shard was gained or lost: announce their in-flight bakes again at the next pickUp. */
  forget(fleets: string[]): void {
    for (const f of fleets) this.announced.delete(f);
  }
}

/**
 * Append an intake decision to the fleet's events. Best effort: the bake register is the
 * durable record, so a status that cannot be written costs the event, not the message.
 * A fleet never reconciled yet has no status to show it in.
 */
export async function recordFleetEvent(store: StatusStore, fleet: string, event: Omit<FleetEvent, 'fleet' | 'at'>, now: Date, log?: Logger): Promise<void> {
  try {
    await store.update(fleet, (prev) => (prev ? appendEvent(prev, { ...event, fleet, at: now.toISOString() }) : undefined));
  } catch (err) {
    log?.warn({ event: EVENTS.statusUnreadable, fleet, err: String(err) }, `recording event ${event.reason} for fleet ${fleet}: ${(err as Error).message}`);
  }
}
