/**
 * The daemon's reconciler with deployments: the FleetController behind the loop's
 * FleetReconciler interface. Bake requests from the intake go to the controller's memory,
 * alarms reach a soaking swap, and the end of a bake hands the bake register its next commit.
 */
import { FleetController } from './fleet-controller';
import type { FleetReconciler, ReconcileOutcome } from '../queue/loop';
import type { SnapshotStore } from '../../deploy/snapshot-store';
import type { DesiredFleet } from '../../model/fleet';
import type { ReconcilerContext } from '../../main/daemon';

export interface DeployingReconciler extends FleetReconciler {
  readonly controller: FleetController;
}

/** `opts.snapshots`: where deployment records go (default: files under the state directory). */
export function deployingReconciler(ctx: ReconcilerContext, opts: { snapshots?: SnapshotStore } = {}): DeployingReconciler {
  const controller = new FleetController({
    clients: ctx.clients,
    logger: ctx.logger,
    clock: ctx.clock,
    sleep: ctx.sleep,
    stateDir: ctx.stateDir,
    ownershipCache: ctx.ownershipCache,
    ...(opts.snapshots ? { snapshots: opts.snapshots } : {}),
    statuses: ctx.statusStore,
    lifecycleHooks: ctx.lifecycleHooks,
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
  return {
    controller,
    async reconcile(fleet: DesiredFleet): Promise<ReconcileOutcome> {
      const pass = await controller.reconcile(fleet);
      return {
        requeueAfterMs: pass.requeueAfterMs,
        ...(pass.error ? { error: pass.error } : {}),
        observed: pass.result.readiness.reason !== 'ObserveFailed',
      };
    },
    async requestBake(fleet, commit) {
      controller.requestBake(fleet, commit);
    },
    async alarmChanged(fleet, alarm) {
      controller.alarmChanged(fleet, alarm);
    },
    close: () => controller.close(),
  };
}
