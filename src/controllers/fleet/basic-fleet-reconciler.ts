/**
 * The basic FleetReconciler: one `reconcileFleet` pass (observe, plan, apply, assess) with the
 * lifecycle hooks managed, then the fleet's status written. It knows no deployments: a bake
 * request or an alarm is logged and remembered, and the fleet keeps its manifest's AMI. The
 * deployment layer (bake + blue/green swap) replaces it through the daemon's reconciler factory.
 */
import type { AwsPort } from '../../aws/port';
import type { OwnershipCache } from '../../providers/observe';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import type { DesiredFleet } from '../../model/fleet';
import type { StatusStore } from '../../status/status-store';
import type { Clock } from '../../util/clock';
import type { FleetReconciler, ReconcileOutcome } from '../queue/loop';
import { reconcileFleet, type ReconcileResult } from './reconcile';
import { writeFleetStatus } from './status-writer';

export interface BasicReconcilerDeps {
  clients: AwsPort;
  logger: Logger;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  ownershipCache: OwnershipCache;
  statusStore?: StatusStore;
  /** Default true: the daemon answers the hooks. */
  lifecycleHooks?: boolean;
  /** Told about every pass (tests, metrics). */
  onResult?: (result: ReconcileResult) => void;
}

export interface BasicFleetReconciler extends FleetReconciler {
  /** Bake requests received, per fleet, oldest first. */
  readonly bakeRequests: Map<string, Array<{ sha: string; at: string; messageId?: string }>>;
}

export function basicFleetReconciler(deps: BasicReconcilerDeps): BasicFleetReconciler {
  const log = deps.logger.child({ component: 'reconciler' });
  const bakeRequests = new Map<string, Array<{ sha: string; at: string; messageId?: string }>>();
  const reconcileDeps = {
    clients: deps.clients,
    logger: deps.logger,
    sleep: deps.sleep,
    calls: deps.clients.calls,
    ownershipCache: deps.ownershipCache,
    lifecycleHooks: deps.lifecycleHooks ?? true,
  };
  return {
    bakeRequests,
    async reconcile(fleet: DesiredFleet): Promise<ReconcileOutcome> {
      const result = await reconcileFleet(fleet, reconcileDeps);
      deps.onResult?.(result);
      if (deps.statusStore) {
        try {
          writeFleetStatus(deps.statusStore, fleet, result, deps.clock.now());
        } catch (err) {
          log.error({ event: EVENTS.reconcileFailed, fleet: fleet.name, err: String(err) }, `writing status of fleet ${fleet.name}: ${(err as Error).message}`);
        }
      }
      const observed = result.readiness.reason !== 'ObserveFailed';
      if (!result.failed) return { requeueAfterMs: result.requeueAfterMs, observed };
      const { error } = result.failed;
      return { requeueAfterMs: result.requeueAfterMs, observed, error: { message: error.message, retryable: error.retryable } };
    },
    async requestBake(fleet, commit) {
      bakeRequests.set(fleet.name, [...(bakeRequests.get(fleet.name) ?? []), commit]);
      log.info({ event: EVENTS.reconcilerFallback, fleet: fleet.name, commit: commit.sha }, `bake of ${commit.sha.slice(0, 12)} recorded; the basic reconciler does not deploy`);
    },
    async alarmChanged(fleet, alarm) {
      log.info({ event: EVENTS.alarmChanged, fleet: fleet.name, alarm: alarm.name, state: alarm.state }, `alarm ${alarm.name} is ${alarm.state}: ${alarm.reason}`);
    },
  };
}
