/**
 * The fleet reconciler: the one reconcile of a fleet, and the only entry point the work queue,
 * `drover apply`/`plan` and the benches call. A pass re-reads the world, then either watches
 * the deployment in flight (nothing else is applied while one runs; only lifecycle hooks are
 * kept) or runs its sub-reconcilers in order, as controller-runtime reconcilers compose:
 * - converge (converge.ts): observe, plan, apply, assess;
 * - garbage collection (../gc): adopt a serving target; before a rollout, leftovers in AWS;
 * - bake (bake.ts): bake a requested commit;
 * - rollout (rollout.ts): a blue/green swap or rolling refresh to a new AMI, or a swap rebuilt
 *   from the world. An AMI that was rolled back is not retried under the same manifest.
 * Deployments run on the one DeploymentRunner, persist after every transition and resume on
 * the next start; without a record, the world (group and builder tags) says what to do.
 * With `deployments: false` a pass is converge only.
 */
import { describePhase } from '../../deploy/machines/phase';
import { DeploymentRunner, type FinishedDeployment, type RunningDeployment } from '../../deploy/runner';
import { isCorrupt, type SnapshotStore } from '../../deploy/snapshot-store';
import { recordSnapshotStore } from '../../deploy/record-snapshot-store';
import { LocalStateStore } from '../../state/local/local-store';
import { soloFence } from '../../state/store-of';
import { EVENTS } from '../../log/events';
import type { DesiredFleet } from '../../model/fleet';
import type { DeploymentStatus, FleetStatus } from '../../model/fleet-status';
import type { ObservedFleet } from '../../model/observed';
import type { PlanStep } from '../../model/plan';
import { FileStatusStore, type StatusStore } from '../../status/status-store';
import { FleetGarbageCollector } from '../gc';
import type { Reconciler } from '../queue/loop';
import { Bake } from './bake';
import { RolloutControls } from './control-apply';
import { converge, type ConvergeResult } from './converge';
import { deploymentStatus } from './deployment-status';
import { finishDeployment } from './deployment-finish';
import { decideDeployment, type DeploymentDecision } from './deployment-decision';
import { effectiveDesired, FleetMemoryStore } from './fleet-memory';
import { Rollout } from './rollout';
import { signalScaleOut } from './scale-out';
import { deploymentMachine } from './scope';
import { oneLine, quarantineRecord, raiseStateCorrupt, rebuildMemoryFromWorld, type CorruptState } from './state-corrupt';
import { nextFleetStatus, writeFleetStatus } from './status-writer';
import type { FleetPass, FleetPreview, FleetReconcilerDeps } from './reconciler-types';

export type { FleetPass, FleetPreview, FleetReconcilerDeps } from './reconciler-types';

function pendingOf(result: ConvergeResult): { pending?: PlanStep<'startDeployment'> } {
  return result.pendingDeployment ? { pending: result.pendingDeployment } : {};
}

/** How often a running deployment is watched for status; long waits are watched less often. */
const WATCH_REQUEUE_MS = 10_000;
const LONG_WAIT_REQUEUE_MS = 60_000;
const HOOK_STEPS: PlanStep['kind'][] = ['putLifecycleHook', 'deleteLifecycleHook'];
// A paused swap waits for a person; the daemon's inbox watch enqueues the fleet as soon as a control arrives.
const LONG_WAITS = new Set(['soak', 'keepPrevious', 'drainBlue', 'waitBuilderStopped', 'waitRefresh', 'paused']);

type Commit = { sha: string; at: string; messageId?: string };

export class FleetReconciler implements Reconciler {
  readonly memory: FleetMemoryStore;
  readonly runner: DeploymentRunner;
  private readonly snapshots: SnapshotStore;
  private readonly statuses: StatusStore;
  private readonly rollout: Rollout;
  private readonly bake: Bake;
  private readonly controls: RolloutControls;
  private readonly gc: FleetGarbageCollector;
  private readonly fleets = new Map<string, DesiredFleet>();
  /** Corrupt records moved aside before the fleet had a status to raise StateCorrupt on. */
  private readonly unraised = new Map<string, { c: CorruptState; note: string }>();
  /** Memory files found corrupt (and moved aside) that the next pass rebuilds from the world. */
  private readonly corrupt = new Map<string, CorruptState>();

  constructor(private readonly deps: FleetReconcilerDeps) {
    // One store for every section (issue 13): the one injected (openState), else the state directory's.
    const state = deps.state ?? new LocalStateStore(deps.stateDir);
    const fence = deps.fenceFor ?? soloFence();
    this.memory = new FleetMemoryStore(state, { now: () => deps.clock.now(), fence, onCorrupt: (c) => this.corrupt.set(c.fleet, c) });
    this.snapshots = deps.snapshots ?? recordSnapshotStore(state, fence, () => deps.clock.nowMs());
    this.statuses = deps.statuses ?? new FileStatusStore(state, { fence });
    this.runner = new DeploymentRunner({
      store: this.snapshots,
      clock: deps.clock,
      logger: deps.logger,
      onFinished: (done) => this.finished(done),
      ...(deps.guard ? { guard: deps.guard } : {}),
      onTransition: (fleet, kind, phase) => {
        this.rollout.noteRollback(this.fleets.get(fleet), kind, phase).catch((err: unknown) => {
          deps.logger.child({ component: 'reconciler' }).error({ event: EVENTS.reconcileFailed, fleet, err: String(err) }, `remembering the rolled-back AMI of fleet ${fleet}: ${(err as Error).message}`);
        });
        deps.onDeploymentTransition?.(fleet, kind, phase.phase);
      },
    });
    const scope = { deps, memory: this.memory, runner: this.runner };
    this.rollout = new Rollout(scope);
    this.bake = new Bake(scope);
    this.controls = new RolloutControls(scope, this.statuses);
    this.gc = new FleetGarbageCollector(deps, this.memory);
  }

  /** One level-triggered pass for `fleet`. */
  async reconcile(fleet: DesiredFleet): Promise<FleetPass> {
    if (this.deps.deployments === false) return this.convergeOnly(fleet);
    this.fleets.set(fleet.name, fleet);
    await this.repairMemory(fleet);
    const resumed = await this.resumeRecorded(fleet);
    const running = this.runner.get(fleet.name);
    // Rollout controls (`drover rollout pause|…`) act before the pass decides anything.
    await this.controls.ingest(fleet.name);
    await this.controls.apply(fleet, running && !running.result ? running : undefined);
    if (running && !running.result) return this.watch(fleet, running, resumed);
    await this.runner.settled();
    const memory = await this.memory.load(fleet.name);
    const result = await converge(effectiveDesired(fleet, memory), this.convergeDeps());
    await this.gc.afterConverge(fleet, result.observed);
    const decision = result.failed ? undefined : decideDeployment({ fleet, memory: await this.memory.load(fleet.name), observed: result.observed, ...pendingOf(result) });
    const started = decision ? await this.start(fleet, result.observed, decision) : undefined;
    const deployment = started ? await this.viewOf(started, result.observed) : undefined;
    const status = await this.writeStatus(fleet, result, deployment);
    const requeueAfterMs = started ? WATCH_REQUEUE_MS : result.requeueAfterMs;
    const blocked = !started && decision?.action === 'blocked' ? decision.reason : undefined;
    return { ...outcomeOf(result), requeueAfterMs, status, ...(deployment ? { deployment } : {}), ...(blocked ? { blocked } : {}) };
  }

  /** `deployments: false`: converge and write status; a status that cannot be saved is logged, and the pass still counts. */
  private async convergeOnly(fleet: DesiredFleet): Promise<FleetPass> {
    await this.controls.ingest(fleet.name); // kept pending for a process that runs deployments
    const result = await converge(fleet, this.convergeDeps());
    const now = this.deps.clock.now();
    let status: FleetStatus;
    try {
      status = await writeFleetStatus(this.statuses, fleet, result, now);
    } catch (err) {
      this.deps.logger.child({ component: 'reconciler' }).error({ event: EVENTS.reconcileFailed, fleet: fleet.name, err: String(err) }, `writing status of fleet ${fleet.name}: ${(err as Error).message}`);
      status = nextFleetStatus(undefined, fleet, result, now);
    }
    return { ...outcomeOf(result), status };
  }

  /**
   * What `reconcile` would do next, changing nothing: the same observation, the same fleet as
   * memory makes it effective, and the same deployment decision. `drover plan` prints this.
   */
  async preview(fleet: DesiredFleet): Promise<FleetPreview> {
    const running = this.runner.get(fleet.name);
    const recorded = running && !running.result ? { kind: running.kind, id: running.id } : await this.recordedDeployment(fleet.name);
    await this.repairMemory(fleet);
    const memory = await this.memory.load(fleet.name);
    const result = await converge(effectiveDesired(fleet, memory), this.convergeDeps(), { dryRun: true });
    const decision = result.failed ? undefined : decideDeployment({ fleet, memory, observed: result.observed, ...pendingOf(result), ...(recorded ? { recorded } : {}) });
    return { result, ...(decision ? { decision } : {}) };
  }

  /** A corrupt memory file (already moved aside) is rebuilt from the world and raised as StateCorrupt. */
  private async repairMemory(fleet: DesiredFleet): Promise<void> {
    await this.memory.load(fleet.name);
    const c = this.corrupt.get(fleet.name);
    if (!c) return;
    this.corrupt.delete(fleet.name);
    const { observed } = await converge(fleet, this.convergeDeps(), { dryRun: true });
    const { clients, logger, sleep, clock } = this.deps;
    const { memory, note } = await rebuildMemoryFromWorld(clients, { logger, sleep, fleet, clock }, fleet, observed);
    await this.memory.save(memory);
    logger.error({ event: EVENTS.stateCorrupt, fleet: fleet.name, file: c.file, movedTo: c.movedTo, ...(c.value !== undefined ? { value: c.value } : {}) }, `${c.file} is corrupt (${oneLine(c.error)}); moved to ${c.movedTo}; ${note}`);
    if (!(await raiseStateCorrupt(this.statuses, c, note, clock.now()))) this.unraised.set(fleet.name, { c, note });
  }

  private async recordedDeployment(fleet: string): Promise<{ kind: string; id: string } | undefined> {
    const record = await this.snapshots.load(fleet);
    return record && !isCorrupt(record) ? { kind: record.kind, id: record.id } : undefined;
  }

  /** Record a bake request; the next pass starts it once nothing else is deploying. */
  async requestBake(fleet: DesiredFleet, commit: Commit): Promise<void> {
    if (this.deps.deployments !== false) return this.bake.request(fleet, commit);
    this.deps.logger.child({ component: 'reconciler' }).info({ event: EVENTS.reconcilerFallback, fleet: fleet.name, commit: commit.sha }, `bake of ${commit.sha.slice(0, 12)} recorded; this reconciler runs without deployments`);
  }

  /** A watched alarm fired: the soaking swap rolls back at once (polling would catch it too). */
  async alarmChanged(fleet: DesiredFleet, alarm: { name: string; state: string; reason?: string }): Promise<void> {
    if (this.deps.deployments === false) {
      this.deps.logger.child({ component: 'reconciler' }).info({ event: EVENTS.alarmChanged, fleet: fleet.name, alarm: alarm.name, state: alarm.state }, `alarm ${alarm.name} is ${alarm.state}: ${alarm.reason}`);
      return;
    }
    if (alarm.state === 'ALARM' && fleet.deploy.rollbackOnAlarms.includes(alarm.name)) {
      this.runner.send(fleet.name, { type: 'ALARM', alarmName: alarm.name });
    }
  }

  /** `drover rollout undo`: roll the running swap back. False when nothing can be undone. */
  undo(fleetName: string): boolean {
    return this.runner.send(fleetName, { type: 'UNDO' });
  }

  /** Another replica owns the fleet now: stop its actor where it is; the snapshot stays for the owner to resume. */
  async release(fleet: string): Promise<void> {
    await this.runner.stop(fleet);
  }

  /** Stop actors where they are; their snapshots are saved and resume on the next start. */
  async close(): Promise<void> {
    await this.runner.stopAll();
  }

  private convergeDeps() {
    const { clients, logger, sleep, ownershipCache, lifecycleHooks } = this.deps;
    return { clients, logger, sleep, ownershipCache, calls: clients.calls, lifecycleHooks: lifecycleHooks ?? false };
  }

  /** Continue a deployment saved by an earlier process. A corrupt record is moved aside and raised: the world decides. */
  private async resumeRecorded(fleet: DesiredFleet): Promise<boolean> {
    if (this.runner.get(fleet.name)) return false;
    const record = await this.snapshots.load(fleet.name);
    if (!record) return false;
    if (isCorrupt(record)) {
      const now = this.deps.clock.now();
      const { file, movedTo } = await quarantineRecord(this.snapshots, fleet.name, now);
      const note = 'the deployment, if any, resumes from the groups drover owns (tags)';
      this.deps.logger.error({ event: EVENTS.stateCorrupt, fleet: fleet.name, file, movedTo, error: record.error }, `${file} is corrupt (${oneLine(record.error)}); moved to ${movedTo}; ${note}`);
      const c = { fleet: fleet.name, file, movedTo, error: record.error };
      // The record held the status too: raise it on the status this pass writes.
      if (!(await raiseStateCorrupt(this.statuses, c, note, now))) this.unraised.set(fleet.name, { c, note });
      return false;
    }
    this.runner.resume(deploymentMachine(this.deps, fleet, record.kind), record);
    return true;
  }

  /** `resumed`: restored this pass; its phase is the snapshot's until it re-observes, so look again soon. */
  private async watch(fleet: DesiredFleet, running: RunningDeployment, resumed = false): Promise<FleetPass> {
    const memory = await this.memory.load(fleet.name);
    if (memory.undoRequestedAt) {
      this.runner.send(fleet.name, { type: 'UNDO' });
      await this.memory.update(fleet.name, (m) => ({ ...m, undoRequestedAt: undefined }));
    }
    // Beside a deployment only lifecycle hooks are kept (a group must never launch without them).
    const result = await converge(effectiveDesired(fleet, memory), this.convergeDeps(), { watching: true, onlyKinds: HOOK_STEPS });
    // Blue's own policies scaled it out: green must follow before cut-over (scale-out.ts).
    signalScaleOut(running, result.observed, (e) => this.runner.send(fleet.name, e), this.deps.logger.child({ fleet: fleet.name, component: 'deploy' }));
    const deployment = await this.viewOf(running, result.observed);
    const status = await this.writeStatus(fleet, result, deployment);
    const requeueAfterMs = LONG_WAITS.has(deployment.phase) && !resumed ? LONG_WAIT_REQUEUE_MS : WATCH_REQUEUE_MS;
    // A failed converge beside a deployment is shown in status, not raised: the deployment is what this pass watches.
    return { requeueAfterMs, result, status, deployment, observed: observedIn(result) };
  }

  private async writeStatus(fleet: DesiredFleet, result: ConvergeResult, deployment?: DeploymentStatus): Promise<FleetStatus> {
    const now = this.deps.clock.now();
    const status = await writeFleetStatus(this.statuses, fleet, result, now, deployment);
    const pending = this.unraised.get(fleet.name);
    if (!pending) return status;
    this.unraised.delete(fleet.name);
    await raiseStateCorrupt(this.statuses, pending.c, pending.note, now);
    return (await this.statuses.load(fleet.name)) ?? status;
  }

  private async viewOf(running: RunningDeployment, observed: ObservedFleet): Promise<DeploymentStatus> {
    const prev = (await this.statuses.load(running.fleet))?.deployment;
    // From the run in hand: it may have ended and left the runner while this pass awaited AWS.
    const phase = describePhase(running.lastSnapshot);
    const context = (running.lastSnapshot as { context?: Record<string, unknown> } | undefined)?.context;
    return deploymentStatus({ id: running.id, kind: running.kind, startedAt: running.startedAt, input: running.input, phase, ...(context ? { context } : {}) }, observed, this.deps.clock.now(), prev);
  }

  /** Act on the decision: resume a swap from the world, start a bake or a rollout (after collecting an unfinished one's garbage). */
  private async start(fleet: DesiredFleet, observed: ObservedFleet, decision: DeploymentDecision): Promise<RunningDeployment | undefined> {
    if (decision.action === 'continue') return undefined;
    if (decision.action === 'recoverSwap') return this.rollout.recover(fleet, observed);
    if (decision.action === 'bake') return this.bake.start(fleet, observed, decision.commit);
    await this.gc.beforeRollout(fleet, observed);
    if (decision.action === 'blocked') {
      this.deps.logger.warn({ event: EVENTS.deployBlocked, fleet: fleet.name, ami: String(decision.step.params.toAmi) }, decision.reason);
    }
    return decision.action === 'rollout' ? this.rollout.start(fleet, observed, decision.step, decision.strategy) : undefined;
  }

  private async finished(done: FinishedDeployment): Promise<void> {
    const fleet = this.fleets.get(done.fleet);
    if (!fleet) return;
    await finishDeployment(this.memory, this.statuses, fleet, done, this.deps.clock.now(), this.deps.logger);
    this.deps.onDeploymentFinished?.(done);
  }
}

function observedIn(result: ConvergeResult): boolean {
  return result.readiness.reason !== 'ObserveFailed';
}

/** What the work queue needs from a pass: when to come back, and the error if it failed. */
function outcomeOf(result: ConvergeResult): Omit<FleetPass, 'status'> {
  const error = result.failed ? { message: result.failed.error.message, retryable: result.failed.error.retryable } : undefined;
  return { requeueAfterMs: result.requeueAfterMs, result, observed: observedIn(result), ...(error ? { error } : {}) };
}
