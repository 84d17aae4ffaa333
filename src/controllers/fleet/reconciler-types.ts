/** The fleet reconciler's dependencies and what one pass returns (kept apart so the reconciler stays one concept). */
import type { AwsPort } from '../../aws/port';
import type { OwnershipCache } from '../../providers/observe';
import type { FinishedDeployment } from '../../deploy/runner';
import type { SnapshotStore } from '../../deploy/snapshot-store';
import type { Logger } from '../../log/logger';
import type { DeploymentStatus, FleetStatus } from '../../model/fleet-status';
import type { SectionShapes, StateStore } from '../../state/port';
import type { FenceFor } from '../../state/store-of';
import type { StatusStore } from '../../status/status-store';
import type { Clock } from '../../util/clock';
import type { ReconcileOutcome } from '../queue/loop';
import type { ConvergeResult } from './converge';
import type { DeploymentDecision } from './deployment-decision';

export interface FleetReconcilerDeps {
  clients: AwsPort;
  logger: Logger;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  stateDir: string;
  ownershipCache: OwnershipCache;
  /** The state store (openState); default the local store of `stateDir`. */
  state?: StateStore<SectionShapes>;
  /** The fence of a state write about a fleet (the replica's leases); default every shard. */
  fenceFor?: FenceFor;
  snapshots?: SnapshotStore;
  statuses?: StatusStore;
  /** Progress of deployments, for CLI lines and metrics. */
  onDeploymentTransition?: (fleet: string, kind: string, phase: string) => void;
  /** A deployment ended (after memory and status recorded it): metrics, the bake register. */
  onDeploymentFinished?: (done: FinishedDeployment) => void;
  /** Throws (LeaseLost) when this replica may no longer act on `fleet`: checked before each deploy step. */
  guard?: (fleet: string) => void;
  /** Observe and keep lifecycle hooks (only when a daemon answers them). */
  lifecycleHooks?: boolean;
  /**
   * Default true. False: converge only (observe, plan, apply, status) and never deploy: bake
   * requests and alarms are logged, and the fleet keeps its manifest's AMI. No memory or
   * deployment record is read or written.
   */
  deployments?: boolean;
}

export interface FleetPass extends ReconcileOutcome {
  /** Why the plan's deployment was not started (its AMI was rolled back under this manifest). */
  blocked?: string;
  result: ConvergeResult;
  status: FleetStatus;
  deployment?: DeploymentStatus;
  /** False when the pass could not observe the fleet (the loop counts a fleet as seen once it was). */
  observed: boolean;
}

/** What `plan` shows: the pass as observed (dry run) and the deployment `apply` would start. */
export interface FleetPreview {
  result: ConvergeResult;
  decision?: DeploymentDecision;
}
