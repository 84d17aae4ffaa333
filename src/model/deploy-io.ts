/**
 * What the deployment machines (deploy/machines) ask of the world and what they get back:
 * the input and output of each port call. Shared by the machines, which only see these
 * shapes, and the providers that answer them over AWS.
 */

// ---- bake: the builder instance and the image it becomes

import type { AnalysisVerdict, CheckMeasurement } from './analysis';
import type { ImageState, InstanceState } from './observed';

export type { ImageState };
/** The builder instance's EC2 state, or missing when EC2 no longer lists it. */
export type BuilderState = InstanceState | 'missing';

export interface FindImageInput { fleet: string; commit: string }
export interface FoundImage { imageId?: string; state?: ImageState }
export interface LaunchBuilderInput {
  fleet: string; commit: string; repository: string; branch: string;
  baseAmi: string; instanceType: string; clientToken: string;
}
/** `launchedAtMs` is the instance's launch time as the world reports it. */
export interface LaunchedBuilder { instanceId: string; launchedAtMs: number }
export interface PollBuilderInput { instanceId: string }
export interface BuilderFacts { state: BuilderState; nowMs: number }
export interface ReadResultInput { instanceId: string }
/** `none`: the console shows no marker yet. */
export interface BuildResultFacts { marker: 'success' | 'failure' | 'none'; message: string; nowMs: number }
export interface CreateImageInput {
  instanceId: string; fleet: string; commit: string; repository: string; branch: string; name: string;
}
export interface CreatedImage { imageId: string }
export interface PollImageInput { imageId: string }
export interface ImageFacts { state: ImageState; nowMs: number }
/** Terminates `instanceId` if given, and any instance launched with `clientToken`. */
export interface TerminateBuilderInput { instanceId?: string; clientToken: string }

// ---- blue/green swap

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

// ---- canary: green grows step by step while a share of traffic reaches it

/** Sets green's desired capacity (bounds widened to admit it). Idempotent. */
export interface ScaleGreenInput { groupName: string; desired: number }
/**
 * Sends `weight` percent of traffic to green, the rest to blue, for a fleet of `desired`
 * instances. Weight 0 puts all traffic back on blue. On target groups it sets the listener's
 * forward weights; on a Classic ELB it is approximated by how many green instances serve
 * beside blue (see `canaryGreenCount`).
 */
export interface TrafficWeightInput { fleet: string; blueGroup: string; greenGroup: string; weight: number; desired: number }
/** What serves after the change: instances of each side, and whether the weight is approximate. */
export interface TrafficFacts { greenServing: number; blueServing: number; approximate: boolean; nowMs: number }
/** Marks green as kept for inspection after an abort (tag `drover:kept`), so it is not taken for a swap in flight. */
export interface KeepGreenInput { groupName: string; reason: string }
export type CanaryVerdict = AnalysisVerdict;
/** `phase`: right after a weight step, or during a pause. */
export interface CanaryAnalysisInput { fleet: string; blueGroup: string; greenGroup: string; stepIndex: number; weight: number; phase: 'step' | 'pause' }
/** One check of an analysis (a CheckMeasurement as the machine keeps it): `value` is green's, `threshold` the limit it was held to; failures so far of those allowed. */
export interface CanaryCheck extends Pick<CheckMeasurement, 'name' | 'verdict'>, Partial<Pick<CheckMeasurement, 'message' | 'failures' | 'failureLimit'>> { value?: number; threshold?: number }
export interface CanaryAnalysisFacts { verdict: CanaryVerdict; checks: CanaryCheck[]; nowMs: number }

/** Green instances that carry `weight` percent of a fleet of `desired`: at least one for any weight above 0. */
export function canaryGreenCount(weight: number, desired: number): number {
  if (weight <= 0 || desired <= 0) return 0;
  if (weight >= 100) return desired;
  return Math.min(desired, Math.max(1, Math.ceil((weight * desired) / 100)));
}

// ---- rolling instance refresh

export type RefreshStatus =
  | 'Pending' | 'InProgress' | 'Successful' | 'Failed' | 'Cancelling' | 'Cancelled'
  | 'RollbackInProgress' | 'RollbackFailed' | 'RollbackSuccessful' | 'Baking' | 'Missing';

/** Idempotent: returns a refresh to this version that is pending, running or successful; else starts one. */
/** Idempotent: the launch template version made for this deployment's image, else a new one. */
export interface PrepareVersionInput { amiId: string; deploymentId: string }
export interface PreparedVersion { version: number; previousVersion?: number }
export interface StartRefreshInput { groupName: string; launchTemplateVersion: number; minHealthyPercent: number }
export interface StartedRefresh { refreshId: string }
export interface PollRefreshInput { groupName: string; refreshId: string }
export interface RefreshFacts { status: RefreshStatus; percentComplete: number; statusReason?: string; nowMs: number }
/** Idempotent: suspend (`hold`) or resume the group's InstanceRefresh process; suspended, a refresh stops between batches. */
export interface HoldRefreshInput { groupName: string; hold: boolean }
export interface RefreshHeld { nowMs: number }
