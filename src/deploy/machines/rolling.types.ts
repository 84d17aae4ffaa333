/** The rolling machine's input, context, events, output and step input/output shapes. */

export interface RollingInput {
  fleet: string;
  groupName: string;
  /** The image the `prepareVersion` step makes a launch template version for. */
  amiId?: string;
  /** Labels the launch template version, so a re-run of the step finds the one it made. */
  deploymentId?: string;
  /** The version the group pins at the start: the rollback target when the template has no other default. */
  pinnedVersion?: number;
  /**
   * Known up front only in snapshots saved before `prepareVersion` was a step (and in tests
   * that start at the refresh); otherwise the step sets the context's versions.
   */
  launchTemplateVersion?: number;
  previousVersion?: number;
  minHealthyPercent: number;
  timeoutSeconds: number;
}

/** The port calls' shapes live in model (providers answer them without importing deploy). */
export type {
  RefreshStatus, PrepareVersionInput, PreparedVersion, StartRefreshInput, StartedRefresh, PollRefreshInput,
  RefreshFacts, HoldRefreshInput, RefreshHeld,
} from '../../model/deploy-io';

export type RollingFailureReason = 'RefreshFailed' | 'RefreshTimedOut' | 'Undo' | 'Aborted' | 'StepFailed' | 'GroupMissing';

export type RollingOutput =
  | { status: 'succeeded'; refreshId: string }
  /** `rolledBackTo` is absent when the group was gone or no version was made (nothing was refreshed back). */
  | { status: 'failed'; reason: RollingFailureReason; message: string; rolledBackTo?: number };

export interface RollingContext {
  input: RollingInput;
  /** The version refreshed to and the one a rollback refreshes back to, once prepared. */
  launchTemplateVersion?: number;
  previousVersion?: number;
  refreshId?: string;
  refreshStartedAtMs?: number;
  percentComplete: number;
  rollbackRefreshId?: string;
  failure?: { reason: RollingFailureReason; message: string };
  /** When the last reobserve guard first saw the group short of N/N. */
  verifyStartedAtMs?: number;
  message: string;
  lastError?: string;
  errorCount: number;
  polls: number;
  /** `drover rollout pause`: hold the refresh between batches until RESUME. */
  paused?: boolean;
  /** When the refresh was suspended: the time held does not count toward the refresh timeout. */
  heldAtMs?: number;
}

export type RollingEvent = { type: 'UNDO' } | { type: 'ABORT' } | { type: 'POLL' } | { type: 'PAUSE' } | { type: 'RESUME' };
