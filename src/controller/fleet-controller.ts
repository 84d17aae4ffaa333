/**
 * The deploy-aware reconcile of one fleet. Each pass re-reads the world, then either
 * watches the deployment in flight (nothing else is applied while one runs) or converges
 * the fleet and starts the deployment the plan calls for: a bake of a requested commit, or
 * a blue/green swap (or rolling refresh) to a new AMI. An AMI that was rolled back is not
 * retried under the same manifest. Deployments persist after every transition and resume
 * on the next start; without a record, the world (group and builder tags) says what to do.
 */
import type { AwsClients } from '../cloud/clients';
import { createDeployPorts, pruneVersions, sweepBuilders } from '../cloud/deploy';
import type { OwnershipCache } from '../cloud/observe';
import { createBakeMachine, createRollingMachine, createSwapMachine } from '../deploy/machines';
import { recoverSwap } from '../deploy/recover';
import { describePhase, type PhaseDescription } from '../deploy/phase';
import { FileSnapshotStore, isCorrupt, type DeploymentKind, type SnapshotStore } from '../deploy/snapshot-store';
import { EVENTS } from '../log/events';
import type { Logger } from '../log/logger';
import type { DesiredFleet } from '../model/fleet';
import type { DeploymentStatus, FleetStatus } from '../model/fleet-status';
import { isOwnedBy } from '../model/names';
import type { ObservedFleet } from '../model/observed';
import type { PlanStep } from '../model/plan';
import { activeAmi, activeGroup } from '../planner/active-group';
import { FileStatusStore, type StatusStore } from '../status/status-store';
import type { Clock } from '../util/clock';
import { bakeInput, deploymentId, swapInput } from './deployment-inputs';
import { DeploymentRunner, type FinishedDeployment, type RunningDeployment } from './deployment-runner';
import { deploymentStatus } from './deployment-status';
import { finishDeployment, withFailure } from './deployment-finish';
import { blockingFailure, effectiveDesired, FleetMemoryStore, specHash } from './fleet-memory';
import { reconcileFleet, type ReconcileResult } from './reconcile';
import { rollingInput } from './rolling-start';
import { writeFleetStatus } from './status-writer';

export interface FleetControllerDeps {
  clients: AwsClients;
  logger: Logger;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  stateDir: string;
  ownershipCache: OwnershipCache;
  snapshots?: SnapshotStore;
  statuses?: StatusStore;
  /** Progress of deployments, for CLI lines and metrics. */
  onDeploymentTransition?: (fleet: string, kind: string, phase: string) => void;
  /** A deployment ended (after memory and status recorded it): metrics, the bake register. */
  onDeploymentFinished?: (done: FinishedDeployment) => void;
  /** Observe and keep lifecycle hooks (only when a daemon answers them). */
  lifecycleHooks?: boolean;
}

export interface FleetPass {
  requeueAfterMs: number;
  /** Why the plan's deployment was not started (its AMI was rolled back under this manifest). */
  blocked?: string;
  result: ReconcileResult;
  status: FleetStatus;
  deployment?: DeploymentStatus;
  error?: { message: string; retryable: boolean };
}

/** How often a running deployment is watched for status; long waits are watched less often. */
const WATCH_REQUEUE_MS = 10_000;
const LONG_WAIT_REQUEUE_MS = 60_000;
const LONG_WAITS = new Set(['soak', 'keepPrevious', 'drainBlue', 'waitBuilderStopped', 'waitRefresh']);

export class FleetController {
  readonly memory: FleetMemoryStore;
  readonly runner: DeploymentRunner;
  private readonly snapshots: SnapshotStore;
  private readonly statuses: StatusStore;
  private readonly fleets = new Map<string, DesiredFleet>();

  constructor(private readonly deps: FleetControllerDeps) {
    this.memory = new FleetMemoryStore(deps.stateDir);
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
    const resumed = await this.resumeRecorded(fleet);
    const running = this.runner.get(fleet.name);
    if (running && !running.result) return this.watch(fleet, running, resumed);
    await this.runner.settled();
    const memory = this.memory.load(fleet.name);
    const result = await reconcileFleet(effectiveDesired(fleet, memory), this.reconcileDeps());
    this.adoptServingTarget(fleet, result.observed);
    const started = result.failed ? undefined : await this.startNeeded(fleet, result);
    const deployment = started ? this.viewOf(started, result.observed) : undefined;
    const status = writeFleetStatus(this.statuses, fleet, result, this.deps.clock.now(), deployment);
    const requeueAfterMs = started ? WATCH_REQUEUE_MS : result.requeueAfterMs;
    const error = result.failed ? { message: result.failed.error.message, retryable: result.failed.error.retryable } : undefined;
    const blocked = started ? undefined : this.blockedMessage(fleet, result);
    return { requeueAfterMs, result, status, ...(deployment ? { deployment } : {}), ...(error ? { error } : {}), ...(blocked ? { blocked } : {}) };
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

  private blockedMessage(fleet: DesiredFleet, result: ReconcileResult): string | undefined {
    const step = result.pendingDeployment;
    if (!step) return undefined;
    const failure = blockingFailure(this.memory.load(fleet.name), String(step.params.toAmi), specHash(fleet));
    return failure && `not rolling out ${failure.ami} again: it was rolled back at ${failure.at} (${failure.reason}: ${failure.message}); change the manifest or push a new commit`;
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
    const { clients, logger, sleep, clock } = this.deps;
    return createDeployPorts(clients, { logger: logger.child({ fleet: fleet.name, component: 'deploy' }), sleep, fleet, clock });
  }

  private machineFor(fleet: DesiredFleet, kind: 'bake' | 'swap' | 'rolling') {
    const ports = this.portsFor(fleet);
    return kind === 'bake' ? createBakeMachine(ports.bake) : kind === 'swap' ? createSwapMachine(ports.swap) : createRollingMachine(ports.rolling);
  }

  /** Continue a deployment saved by an earlier process. A corrupt record is dropped: the world decides. */
  private async resumeRecorded(fleet: DesiredFleet): Promise<boolean> {
    if (this.runner.get(fleet.name)) return false;
    const record = await this.snapshots.load(fleet.name);
    if (!record) return false;
    if (isCorrupt(record)) {
      this.deps.logger.warn({ event: EVENTS.deployRecovered, fleet: fleet.name, error: record.error }, `deployment record is unreadable (${record.error}); rebuilding from the world`);
      await this.snapshots.delete(fleet.name);
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
    const result = await reconcileFleet(effectiveDesired(fleet, memory), this.reconcileDeps(), { dryRun: true });
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

  /** What to start, if anything: a swap left half-done with no record, a requested bake, or the plan's deployment. */
  private async startNeeded(fleet: DesiredFleet, result: ReconcileResult): Promise<RunningDeployment | undefined> {
    const live = result.observed.groups.filter((g) => isOwnedBy(g.tags, fleet.name) && !/Delete/i.test(g.status ?? ''));
    if (live.length > 1) return this.recoverSwapFromWorld(fleet, result.observed);
    const memory = this.memory.load(fleet.name);
    if (memory.pendingBake && fleet.image.bake) return this.startBake(fleet, result.observed, memory.pendingBake.commit);
    if (fleet.image.bake) await this.sweep(fleet);
    await this.pruneStrayVersions(fleet, result.observed);
    return result.pendingDeployment ? await this.startRollout(fleet, result.observed, result.pendingDeployment) : undefined;
  }

  private recoverSwapFromWorld(fleet: DesiredFleet, observed: ObservedFleet): RunningDeployment | undefined {
    const amiId = effectiveDesired(fleet, this.memory.load(fleet.name)).image.ami ?? fleet.image.bake?.baseAmi ?? '';
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

  private async startRollout(fleet: DesiredFleet, observed: ObservedFleet, step: PlanStep): Promise<RunningDeployment | undefined> {
    const toAmi = String(step.params.toAmi);
    const failure = blockingFailure(this.memory.load(fleet.name), toAmi, specHash(fleet));
    if (failure) {
      this.deps.logger.warn({ event: EVENTS.deployBlocked, fleet: fleet.name, ami: toAmi, reason: failure.reason }, `not rolling out ${toAmi} again: it was rolled back at ${failure.at} (${failure.message}); change the manifest or push a new commit`);
      return undefined;
    }
    const input = swapInput(fleet, observed, step);
    if (!input) return undefined;
    const target = this.memory.load(fleet.name).target;
    const commit = target?.ami === toAmi ? target.commit : undefined;
    const fromAmi = step.params.fromAmi ? String(step.params.fromAmi) : undefined;
    const kind = fleet.deploy.strategy === 'rolling' ? 'rolling' : 'swap';
    const id = deploymentId(kind, this.deps.clock.now(), `v${String(input.generation).padStart(3, '0')}`);
    if (kind === 'rolling') {
      const rolling = await rollingInput(this.deps.clients, this.deps, fleet, observed, toAmi, id);
      return rolling ? this.runner.start(this.machineFor(fleet, 'rolling'), { fleet: fleet.name, kind, id, input: { ...rolling, ...(commit ? { commit } : {}), ...(fromAmi ? { fromAmi } : {}) } }) : undefined;
    }
    return this.runner.start(this.machineFor(fleet, 'swap'), { fleet: fleet.name, kind, id, input: { ...input, ...(commit ? { commit } : {}), ...(fromAmi ? { fromAmi } : {}) } });
  }

  private async sweep(fleet: DesiredFleet): Promise<void> {
    const { clients, logger, sleep, clock } = this.deps;
    const swept = await sweepBuilders(clients, { logger, sleep, fleet, clock });
    if (swept.length) logger.warn({ event: EVENTS.builderSwept, fleet: fleet.name, instances: swept }, `terminated leftover builder(s) ${swept.join(', ')}`);
  }

  /** A template version above the default that no group pins was made for a deployment whose record was lost: prune it. */
  private async pruneStrayVersions(fleet: DesiredFleet, observed: ObservedFleet): Promise<void> {
    const lt = observed.launchTemplate;
    if (!lt || lt.latestVersion <= lt.defaultVersion) return;
    const pinned = observed.groups.filter((g) => !/Delete/i.test(g.status ?? '')).map((g) => g.launchTemplate?.version);
    if (pinned.includes(String(lt.latestVersion))) return;
    const { clients, logger, sleep, clock } = this.deps;
    const pruned = await pruneVersions(clients, { logger, sleep, fleet, clock });
    if (pruned.length) logger.warn({ event: EVENTS.deployRecovered, fleet: fleet.name, versions: pruned }, `deleted launch template version(s) ${pruned.join(', ')} left by an unfinished deployment`);
  }

  private async finished(done: FinishedDeployment): Promise<void> {
    const fleet = this.fleets.get(done.fleet);
    if (!fleet) return;
    await finishDeployment(this.memory, this.statuses, fleet, done, this.deps.clock.now(), this.deps.logger);
    this.deps.onDeploymentFinished?.(done);
  }
}
