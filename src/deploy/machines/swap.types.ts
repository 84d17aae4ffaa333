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

export interface CreateVersionInput { fleet: string; generation: number; amiId: string }
/** `previousVersion`: the launch template's default version before this one. */
export interface CreatedVersion { version: number; previousVersion?: number }
export interface CreateGreenInput { fleet: string; generation: number; groupName: string; launchTemplateVersion: number; desired: number }
export interface GroupInput { groupName: string }
export interface GroupHealthInput { groupName: string; desired: number }
/** Instances of the group, split by ELB health. */
/** `desired`: the group's desired capacity, when the port read it. */
/** `launchFailure`: why the group cannot launch, when the cause will not fix itself (AWS's own text). */
/** `exists`: false when the group is gone or being deleted (the facts are then empty). */
export interface GroupHealthFacts { inService: string[]; notInService: string[]; nowMs: number; desired?: number; exists?: boolean; launchFailure?: string }
/** Suspends blue's scaling processes and takes its instances out of the ELB. */
export interface DeregisterBlueInput { blueGroup: string; greenGroup: string }
export interface AlarmsInput { alarmNames: string[] }
export interface AlarmFacts { firing: string[]; nowMs: number }
export interface ClockFacts { nowMs: number }
export interface MovePoliciesInput { fleet: string; fromGroup: string; toGroup: string }
/** Resume blue's processes, set its desired capacity, register it with the ELB, point policies at it. */
export interface RestoreBlueInput { fleet: string; blueGroup: string; greenGroup: string; desired: number }

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
