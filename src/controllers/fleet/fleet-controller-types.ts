/** The fleet controller's dependencies and what one pass returns (kept apart so the controller stays one concept). */
import type { AwsPort } from '../../aws/port';
import type { OwnershipCache } from '../../providers/observe';
import type { SnapshotStore } from '../../deploy/snapshot-store';
import type { Logger } from '../../log/logger';
import type { DeploymentStatus, FleetStatus } from '../../model/fleet-status';
import type { StatusStore } from '../../status/status-store';
import type { Clock } from '../../util/clock';
import type { DeploymentDecision } from './deployment-decision';
import type { FinishedDeployment } from './deployment-runner';
import type { ReconcileResult } from './reconcile';

export interface FleetControllerDeps {
  clients: AwsPort;
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

/** What `plan` shows: the pass as observed (dry run) and the deployment `apply` would start. */
export interface FleetPreview {
  result: ReconcileResult;
  decision?: DeploymentDecision;
}
