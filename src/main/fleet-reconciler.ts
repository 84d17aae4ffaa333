/**
 * The daemon's FleetReconciler, built from its ReconcilerContext: deployments report their
 * transitions to metrics and enqueue the fleet, and the end of a bake hands the bake register
 * its next commit. `deployments: false` (the daemon's default when no factory is given)
 * converges only: bake requests and alarms are logged, never acted on.
 */
import type { AwsPort } from '../aws/port';
import { FleetReconciler } from '../controllers/fleet/reconciler';
import type { Reconciler } from '../controllers/queue/loop';
import type { SnapshotStore } from '../deploy/snapshot-store';
import type { Logger } from '../log/logger';
import type { OwnershipCache } from '../providers/observe';
import type { DaemonMetrics } from '../server/metrics';
import type { SectionShapes, StateStore } from '../state/port';
import type { FenceFor } from '../state/store-of';
import type { StatusStore } from '../status/status-store';
import type { Clock } from '../util/clock';

export interface ReconcilerContext {
  clients: AwsPort;
  clock: Clock;
  /** Sleep on the clock (in the simulated account, lets virtual time pass). */
  sleep(ms: number): Promise<void>;
  logger: Logger;
  stateDir: string;
  /** The state store every section goes to (openState); default the local store of `stateDir`. */
  state?: StateStore<SectionShapes>;
  /** The fence of a state write about a fleet (the replica's leases); default every shard. */
  fenceFor?: FenceFor;
  statusStore: StatusStore;
  ownershipCache: OwnershipCache;
  /** `metrics.deploymentTransition(phase, result)` feeds drover_deployments_total. */
  metrics: DaemonMetrics;
  /** The bake of `commit` ended (any outcome): the register hands over the next pending commit. */
  bakeFinished(fleet: string, commit: string): Promise<void>;
  /** Ask for a reconcile of `fleet` soon. */
  enqueue(fleet: string): void;
  /** Put drover's lifecycle hooks on the groups: only when an event queue brings their actions. */
  lifecycleHooks: boolean;
  /** Shared state (issue 13): deployment snapshots in the state store, fenced, and the check before each deploy step. */
  replicas?: { snapshots: SnapshotStore; guard(fleet: string): void };
}

export type ReconcilerFactory = (ctx: ReconcilerContext) => Reconciler;

/** `opts.snapshots`: where deployment records go (default: files under the state directory). */
export function fleetReconciler(ctx: ReconcilerContext, opts: { snapshots?: SnapshotStore; deployments?: boolean } = {}): FleetReconciler {
  return new FleetReconciler({
    clients: ctx.clients,
    logger: ctx.logger,
    clock: ctx.clock,
    sleep: ctx.sleep,
    stateDir: ctx.stateDir,
    ...(ctx.state ? { state: ctx.state } : {}),
    ...(ctx.fenceFor ? { fenceFor: ctx.fenceFor } : {}),
    ownershipCache: ctx.ownershipCache,
    ...(opts.snapshots ? { snapshots: opts.snapshots } : ctx.replicas ? { snapshots: ctx.replicas.snapshots } : {}),
    ...(ctx.replicas ? { guard: (fleet: string) => ctx.replicas!.guard(fleet) } : {}),
    statuses: ctx.statusStore,
    lifecycleHooks: ctx.lifecycleHooks,
    ...(opts.deployments === false ? { deployments: false } : {}),
    onDeploymentTransition: (fleet, _kind, phase) => {
      ctx.metrics.deploymentTransition(phase, 'InProgress');
      ctx.enqueue(fleet);
    },
    onDeploymentFinished: (done) => {
      ctx.metrics.deploymentTransition(done.phase.phase, done.phase.result ?? done.result.status);
      if (done.kind === 'bake' && typeof done.input.commit === 'string') void ctx.bakeFinished(done.fleet, done.input.commit);
      ctx.enqueue(done.fleet);
    },
  });
}
