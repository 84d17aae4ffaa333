/**
 * The deploy-aware reconcile of one fleet. Each pass re-reads the world, then either
 * watches the deployment in flight (nothing else is applied while one runs) or converges
 * the fleet and starts the deployment the plan calls for: a bake of a requested commit, or
 * a blue/green swap (or rolling refresh) to a new AMI. An AMI that was rolled back is not
 * retried under the same manifest. Deployments persist after every transition and resume
 * on the next start; without a record, the world (group and builder tags) says what to do.
 */
import { createDeployPorts } from '../../deploy/actors';
import { createBakeMachine, createRollingMachine, createSwapMachine } from '../../deploy/machines';
import { recoverSwap } from '../../deploy/recover';
import { describePhase, type PhaseDescription } from '../../deploy/machines/phase';
import { FileSnapshotStore, isCorrupt, type DeploymentKind, type SnapshotStore } from '../../deploy/snapshot-store';
import { EVENTS } from '../../log/events';
import type { DesiredFleet } from '../../model/fleet';
import type { DeploymentStatus } from '../../model/fleet-status';
import { isOwnedBy } from '../../model/names';
import type { ObservedFleet } from '../../model/observed';
import type { PlanStep } from '../../model/plan';
import { activeAmi, activeGroup } from '../../planner/active-group';
import { FileStatusStore, type StatusStore } from '../../status/status-store';
import { bakeInput, deploymentId, swapInput } from './deployment-inputs';
import { DeploymentRunner, type FinishedDeployment, type RunningDeployment } from './deployment-runner';
import { deploymentStatus } from './deployment-status';
import { finishDeployment, withFailure } from './deployment-finish';
import { decideDeployment, recoveryAmi, type DeploymentDecision } from './deployment-decision';
import { blockingFailure, effectiveDesired, FleetMemoryStore, specHash } from './fleet-memory';
import { reconcileFleet, type ReconcileResult } from './reconcile';
import { rollingInput } from './rolling-start';
import { cleanUpStrays } from '../gc/stray-cleanup';
import { oneLine, quarantineRecord, raiseStateCorrupt, rebuildMemoryFromWorld, type CorruptState } from './state-corrupt';
import { writeFleetStatus } from './status-writer';
import type { FleetControllerDeps, FleetPass, FleetPreview } from './fleet-controller-types';

export type { FleetControllerDeps, FleetPass, FleetPreview } from './fleet-controller-types';

function pendingOf(result: ReconcileResult): { pending?: PlanStep<'startDeployment'> } {
  return result.pendingDeployment ? { pending: result.pendingDeployment } : {};
}

/** How often a running deployment is watched for status; long waits are watched less often. */
const WATCH_REQUEUE_MS = 10_000;
const LONG_WAIT_REQUEUE_MS = 60_000;
const HOOK_STEPS: PlanStep['kind'][] = ['putLifecycleHook', 'deleteLifecycleHook'];
const LONG_WAITS = new Set(['soak', 'keepPrevious', 'drainBlue', 'waitBuilderStopped', 'waitRefresh']);

export class FleetController {
  readonly memory: FleetMemoryStore;
  readonly runner: DeploymentRunner;
  private readonly snapshots: SnapshotStore;
  private readonly statuses: StatusStore;
  private readonly fleets = new Map<string, DesiredFleet>();
  /** Memory files found corrupt (and moved aside) that the next pass rebuilds from the world. */
  private readonly corrupt = new Map<string, CorruptState>();

  constructor(private readonly deps: FleetControllerDeps) {
    this.memory = new FleetMemoryStore(deps.stateDir, { now: () => deps.clock.now(), onCorrupt: (c) => this.corrupt.set(c.fleet, c) });
    this.snapshots = deps.snapshots ?? new FileSnapshotStore(deps.stateDir);
    this.statuses = deps.statuses ?? new FileStatusStore(deps.stateDir);
    this.runner = new DeploymentRunner({
      store: this.snapshots,
      clock: deps.clock,
      logger: deps.logger,
      onFinished: (done) => this.finished(done),
      onTransition: (fleet, kind, phase) => {
        this.noteRollback(fleet, kind, phase);
        deps.onDeploymentTransition?.(fleet, kind, phase.phase);
      },
    });
  }

  /** One level-triggered pass for `fleet`. */
  async reconcile(fleet: DesiredFleet): Promise<FleetPass> {
    this.fleets.set(fleet.name, fleet);
    await this.repairMemory(fleet);
    const resumed = await this.resumeRecorded(fleet);
    const running = this.runner.get(fleet.name);
    if (running && !running.result) return this.watch(fleet, running, resumed);
    await this.runner.settled();
    const memory = this.memory.load(fleet.name);
    const result = await reconcileFleet(effectiveDesired(fleet, memory), this.reconcileDeps());
    this.adoptServingTarget(fleet, result.observed);
    const decision = result.failed ? undefined : decideDeployment({ fleet, memory: this.memory.load(fleet.name), observed: result.observed, ...pendingOf(result) });
    const started = decision ? await this.start(fleet, result.observed, decision) : undefined;
    const deployment = started ? this.viewOf(started, result.observed) : undefined;
    const status = writeFleetStatus(this.statuses, fleet, result, this.deps.clock.now(), deployment);
    const requeueAfterMs = started ? WATCH_REQUEUE_MS : result.requeueAfterMs;
    const error = result.failed ? { message: result.failed.error.message, retryable: result.failed.error.retryable } : undefined;
    const blocked = !started && decision?.action === 'blocked' ? decision.reason : undefined;
    return { requeueAfterMs, result, status, ...(deployment ? { deployment } : {}), ...(error ? { error } : {}), ...(blocked ? { blocked } : {}) };
  }

  /**
   * What `reconcile` would do next, changing nothing: the same observation, the same fleet as
   * memory makes it effective, and the same deployment decision. `drover plan` prints this.
   */
  async preview(fleet: DesiredFleet): Promise<FleetPreview> {
    const running = this.runner.get(fleet.name);
    const recorded = running && !running.result ? { kind: running.kind, id: running.id } : await this.recordedDeployment(fleet.name);
    await this.repairMemory(fleet);
    const memory = this.memory.load(fleet.name);
    const result = await reconcileFleet(effectiveDesired(fleet, memory), this.reconcileDeps(), { dryRun: true });
    const decision = result.failed ? undefined : decideDeployment({ fleet, memory, observed: result.observed, ...pendingOf(result), ...(recorded ? { recorded } : {}) });
    return { result, ...(decision ? { decision } : {}) };
  }

  /** A corrupt memory file (already moved aside) is rebuilt from the world and raised as StateCorrupt. */
  private async repairMemory(fleet: DesiredFleet): Promise<void> {
    this.memory.load(fleet.name);
    const c = this.corrupt.get(fleet.name);
    if (!c) return;
    this.corrupt.delete(fleet.name);
    const { observed } = await reconcileFleet(fleet, this.reconcileDeps(), { dryRun: true });
    const { clients, logger, sleep, clock } = this.deps;
    const { memory, note } = await rebuildMemoryFromWorld(clients, { logger, sleep, fleet, clock }, fleet, observed);
    this.memory.save(memory);
    logger.error({ event: EVENTS.stateCorrupt, fleet: fleet.name, file: c.file, movedTo: c.movedTo }, `${c.file} is corrupt (${oneLine(c.error)}); moved to ${c.movedTo}; ${note}`);
    raiseStateCorrupt(this.statuses, c, note, clock.now());
  }

  private async recordedDeployment(fleet: string): Promise<{ kind: string; id: string } | undefined> {
    const record = await this.snapshots.load(fleet);
    return record && !isCorrupt(record) ? { kind: record.kind, id: record.id } : undefined;
  }

  /**
   * A swap whose record was lost after blue was deleted leaves the baked target serving with
   * nothing to finish it: remember it as deployed, or a later rollback would fall back to the
   * manifest's pinned AMI instead of this one.
   */
  private adoptServingTarget(fleet: DesiredFleet, observed: ObservedFleet): void {
    const target = this.memory.load(fleet.name).target;
    const live = observed.groups.filter((g) => isOwnedBy(g.tags, fleet.name) && !/Delete/i.test(g.status ?? ''));
    if (!target || live.length !== 1 || activeAmi(observed, activeGroup(observed, fleet.loadBalancer.name)) !== target.ami) return;
    this.memory.update(fleet.name, (m) => (m.target?.ami === target.ami ? { ...m, target: undefined, deployed: m.target } : m));
  }

  /**
   * A rollback has begun: remember the AMI as failed now, not only when the rollback ends, so
   * a restart that lost the deployment record does not roll the same AMI out again.
   */
  private noteRollback(fleetName: string, kind: DeploymentKind, phase: PhaseDescription): void {
    const fleet = this.fleets.get(fleetName);
    const ami = this.runner.get(fleetName)?.input.amiId;
    if (kind === 'bake' || phase.final || !phase.reason || !fleet || typeof ami !== 'string') return;
    if (blockingFailure(this.memory.load(fleetName), ami, specHash(fleet))) return;
    this.memory.update(fleetName, (m) => withFailure(m, fleet, ami, { reason: phase.reason!, message: phase.message }, this.deps.clock.now()));
  }

  /** Record a bake request; the next pass starts it once nothing else is deploying. */
  requestBake(fleet: DesiredFleet, commit: { sha: string; at: string; messageId?: string }): void {
    this.memory.update(fleet.name, (m) => ({ ...m, pendingBake: { commit: commit.sha, at: commit.at, ...(commit.messageId ? { messageId: commit.messageId } : {}) } }));
  }

  /** A watched alarm fired: the soaking swap rolls back at once (polling would catch it too). */
  alarmChanged(fleet: DesiredFleet, alarm: { name: string; state: string }): void {
    if (alarm.state === 'ALARM' && fleet.deploy.rollbackOnAlarms.includes(alarm.name)) {
      this.runner.send(fleet.name, { type: 'ALARM', alarmName: alarm.name });
    }
  }

  /** `drover rollout undo`: roll the running swap back. False when nothing can be undone. */
  undo(fleetName: string): boolean {
    return this.runner.send(fleetName, { type: 'UNDO' });
  }

  /** Stop actors where they are; their snapshots are saved and resume on the next start. */
  async close(): Promise<void> {
    await this.runner.stopAll();
  }

  private reconcileDeps() {
    const { clients, logger, sleep, ownershipCache, lifecycleHooks } = this.deps;
    return { clients, logger, sleep, ownershipCache, calls: clients.calls, lifecycleHooks: lifecycleHooks ?? false };
  }

  private portsFor(fleet: DesiredFleet) {
    const { clients, logger, sleep, clock, lifecycleHooks } = this.deps;
    return createDeployPorts(clients, { logger: logger.child({ fleet: fleet.name, component: 'deploy' }), sleep, fleet, clock, lifecycleHooks: lifecycleHooks ?? false });
  }

  private machineFor(fleet: DesiredFleet, kind: 'bake' | 'swap' | 'rolling') {
    const ports = this.portsFor(fleet);
    return kind === 'bake' ? createBakeMachine(ports.bake) : kind === 'swap' ? createSwapMachine(ports.swap) : createRollingMachine(ports.rolling);
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
      raiseStateCorrupt(this.statuses, { fleet: fleet.name, file, movedTo, error: record.error }, note, now);
      return false;
    }
    this.runner.resume(this.machineFor(fleet, record.kind), record);
    return true;
  }

  /** `resumed`: restored this pass; its phase is the snapshot's until it re-observes, so look again soon. */
  private async watch(fleet: DesiredFleet, running: RunningDeployment, resumed = false): Promise<FleetPass> {
    const memory = this.memory.load(fleet.name);
    if (memory.undoRequestedAt) {
      this.runner.send(fleet.name, { type: 'UNDO' });
      this.memory.update(fleet.name, (m) => ({ ...m, undoRequestedAt: undefined }));
    }
    // Beside a deployment only lifecycle hooks are kept (a group must never launch without them).
    const result = await reconcileFleet(effectiveDesired(fleet, memory), this.reconcileDeps(), { watching: true, onlyKinds: HOOK_STEPS });
    const deployment = this.viewOf(running, result.observed);
    const status = writeFleetStatus(this.statuses, fleet, result, this.deps.clock.now(), deployment);
    const requeueAfterMs = LONG_WAITS.has(deployment.phase) && !resumed ? LONG_WAIT_REQUEUE_MS : WATCH_REQUEUE_MS;
    return { requeueAfterMs, result, status, deployment };
  }

  private viewOf(running: RunningDeployment, observed: ObservedFleet): DeploymentStatus {
    const prev = this.statuses.load(running.fleet)?.deployment;
    // From the run in hand: it may have ended and left the runner while this pass awaited AWS.
    const phase = describePhase(running.lastSnapshot);
    const context = (running.lastSnapshot as { context?: Record<string, unknown> } | undefined)?.context;
    return deploymentStatus({ id: running.id, kind: running.kind, startedAt: running.startedAt, input: running.input, phase, ...(context ? { context } : {}) }, observed, this.deps.clock.now(), prev);
  }

  /** Act on the decision: resume a swap from the world, start a bake or a rollout. */
  private async start(fleet: DesiredFleet, observed: ObservedFleet, decision: DeploymentDecision): Promise<RunningDeployment | undefined> {
    if (decision.action === 'continue') return undefined;
    if (decision.action === 'recoverSwap') return this.recoverSwapFromWorld(fleet, observed);
    if (decision.action === 'bake') return this.startBake(fleet, observed, decision.commit);
    await cleanUpStrays(this.deps, fleet, observed);
    if (decision.action === 'blocked') {
      this.deps.logger.warn({ event: EVENTS.deployBlocked, fleet: fleet.name, ami: String(decision.step.params.toAmi) }, decision.reason);
    }
    return decision.action === 'rollout' ? this.startRollout(fleet, observed, decision.step, decision.strategy) : undefined;
  }

  private recoverSwapFromWorld(fleet: DesiredFleet, observed: ObservedFleet): RunningDeployment | undefined {
    const amiId = recoveryAmi(fleet, this.memory.load(fleet.name));
    const recovery = recoverSwap(observed, fleet.deploy, { amiId, drainingSeconds: fleet.loadBalancer.connectionDrainingSeconds });
    if (recovery.action !== 'resume') return undefined;
    this.deps.logger.warn({ event: EVENTS.deployRecovered, fleet: fleet.name }, recovery.reason);
    const id = deploymentId('swap', this.deps.clock.now(), `v${String(recovery.input.generation).padStart(3, '0')}-recovered`);
    return this.runner.start(this.machineFor(fleet, 'swap'), { fleet: fleet.name, kind: 'swap', id, input: { ...recovery.input } });
  }

  private startBake(fleet: DesiredFleet, observed: ObservedFleet, commit: string): RunningDeployment | undefined {
    const id = deploymentId('bake', this.deps.clock.now(), commit.slice(0, 12));
    const input = bakeInput(fleet, observed, commit, id);
    if (!input) return undefined;
    const run = this.runner.start(this.machineFor(fleet, 'bake'), { fleet: fleet.name, kind: 'bake', id, input: { ...input } });
    // The request stays until the bake ends (finishDeployment clears it): if the bake's record
    // is lost in a crash, the next pass bakes again instead of forgetting the commit.
    return run;
  }

  private async startRollout(fleet: DesiredFleet, observed: ObservedFleet, step: PlanStep<'startDeployment'>, kind: 'swap' | 'rolling'): Promise<RunningDeployment | undefined> {
    const toAmi = String(step.params.toAmi);
    const input = swapInput(fleet, observed, step);
    if (!input) return undefined;
    const target = this.memory.load(fleet.name).target;
    const commit = target?.ami === toAmi ? target.commit : undefined;
    const fromAmi = step.params.fromAmi ? String(step.params.fromAmi) : undefined;
    const id = deploymentId(kind, this.deps.clock.now(), `v${String(input.generation).padStart(3, '0')}`);
    if (kind === 'rolling') {
      const rolling = rollingInput(fleet, observed, toAmi, id);
      return rolling ? this.runner.start(this.machineFor(fleet, 'rolling'), { fleet: fleet.name, kind, id, input: { ...rolling, ...(commit ? { commit } : {}), ...(fromAmi ? { fromAmi } : {}) } }) : undefined;
    }
    return this.runner.start(this.machineFor(fleet, 'swap'), { fleet: fleet.name, kind, id, input: { ...input, ...(commit ? { commit } : {}), ...(fromAmi ? { fromAmi } : {}) } });
  }

  private async finished(done: FinishedDeployment): Promise<void> {
    const fleet = this.fleets.get(done.fleet);
    if (!fleet) return;
    await finishDeployment(this.memory, this.statuses, fleet, done, this.deps.clock.now(), this.deps.logger);
    this.deps.onDeploymentFinished?.(done);
  }
}
