/** The swap machine's input, context, events, output and step input/output shapes. */

export interface SwapInput {
  fleet: string;
  /** Generation of the green group. */
  generation: number;
  blueGroup: string;
  amiId: string;
  /** Blue's desired capacity when the swap started. */
  desiredAtStart: number;
  healthyTimeoutSeconds: number;
  soakSeconds: number;
  keepPreviousSeconds: number;
  drainingSeconds: number;
  rollbackOnAlarms: string[];
}

/** The port calls' shapes live in model (providers answer them without importing deploy). */
export type {
  CreateVersionInput, CreatedVersion, CreateGreenInput, GroupInput, GroupHealthInput, GroupHealthFacts,
  DeregisterBlueInput, AlarmsInput, AlarmFacts, ClockFacts, MovePoliciesInput, RestoreBlueInput,
} from '../../model/deploy-io';

export type SwapRollbackReason = 'GreenUnhealthy' | 'LaunchFailed' | 'AlarmFired' | 'Undo' | 'Aborted' | 'StepFailed' | 'GroupMissing' | 'WorldChanged';
/** What the world showed that the snapshot did not expect, on the way to the re-derive path. */
export interface SwapProblem { reason: SwapRollbackReason; message: string }

export type SwapOutput =
  | { status: 'succeeded'; greenGroup: string; generation: number; launchTemplateVersion: number }
  | { status: 'rolledBack'; reason: SwapRollbackReason; message: string; failingInstanceIds: string[] }
  /** The world left nothing to roll back to (blue is gone): the truth, not a claim. */
  | { status: 'failed'; reason: SwapRollbackReason; message: string; failingInstanceIds: string[] };

export interface SwapContext {
  input: SwapInput;
  greenGroup: string;
  launchTemplateVersion?: number;
  previousVersion?: number;
  green?: { inService: number; desired: number; notInService: string[] };
  greenWaitStartedAtMs?: number;
  drainStartedAtMs?: number;
  soakStartedAtMs?: number;
  keepStartedAtMs?: number;
  /** False once blue is being deleted: `drover rollout undo` can no longer bring it back. */
  undoPossible: boolean;
  undoRejected?: string;
  /** Scale-out requested during the swap and not yet applied to both groups by the actor layer. */
  pendingScaleOut: number;
  scaleOutApplied: number;
  rollback?: { reason: SwapRollbackReason; message: string; failingInstanceIds: string[] };
  /** Set on the way to the re-derive path: why the world and the snapshot disagree. */
  problem?: SwapProblem;
  /** The re-derive path ended the swap: blue is gone, so there was nothing to roll back to. */
  failure?: SwapProblem;
  /** Times the re-derive path restarted the rollout because green vanished while blue served. */
  restarts: number;
  /** When a reobserve guard first saw green short of N/N. */
  verifyStartedAtMs?: number;
  /** `drover rollout pause`: hold before cut-over (green healthy, blue serving) until RESUME or PROMOTE. */
  paused?: boolean;
  /** `drover rollout promote`: skip the next wait (soak or keepPrevious), or every remaining one (`full`). */
  promote?: 'step' | 'full';
  message: string;
  lastError?: string;
  errorCount: number;
  polls: number;
}

export type SwapEvent =
  | { type: 'UNDO' }
  | { type: 'ABORT' }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  | { type: 'PROMOTE'; full?: boolean }
  | { type: 'POLL' }
  | { type: 'ALARM'; alarmName: string }
  | { type: 'SCALE_OUT'; adjustment?: number }
  | { type: 'SCALE_OUT_APPLIED'; adjustment: number };

/** The swap's rollout steps once blue has left the load balancer; the canary reuses them for its last step. */
export const CUT_OVER_STEPS = ['deregisterBlue', 'drainBlue', 'soak', 'scaleOutServing', 'movePolicies', 'verifyBeforeScaleIn', 'scaleBlueToZero', 'keepPrevious', 'verifyBeforeDeleteBlue'] as const;

/** The cut-over steps from which green carries the fleet's scaling policies (blue's scale-outs no longer reach it). */
export const POLICIES_ON_GREEN = ['movePolicies', 'verifyBeforeScaleIn', 'scaleBlueToZero', 'keepPrevious', 'verifyBeforeDeleteBlue'] as const;
