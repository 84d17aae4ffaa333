/**
 * The contracts of the deploy machines' invoked actors: what the actor layer (deploy/actors)
 * must implement. Every method is one short, idempotent step (check, then act) or one poll that
 * returns observed facts, because a restored snapshot simply calls the current one again.
 * Polls report `nowMs` from the injected clock; the machines measure timeouts with it.
 * Errors carrying `retryable: true` are retried with backoff; others fail the step.
 */
import type {
  CanaryAnalysisFacts, CanaryAnalysisInput, KeepGreenInput, ScaleGreenInput, TrafficFacts, TrafficWeightInput,
} from '../../model/deploy-io';
import type {
  AlarmFacts, AlarmsInput, BuildResultFacts, BuilderFacts, ClockFacts, CreateGreenInput, CreateImageInput, CreatedImage,
  CreatedVersion, CreateVersionInput, DeregisterBlueInput, FindImageInput, FoundImage, GroupHealthFacts, GroupHealthInput,
  GroupInput, ImageFacts, LaunchBuilderInput, LaunchedBuilder, MovePoliciesInput, PollBuilderInput, PollImageInput,
  HoldRefreshInput, PollRefreshInput, PreparedVersion, PrepareVersionInput, ReadResultInput, RefreshFacts, RefreshHeld, RestoreBlueInput,
  StartedRefresh, StartRefreshInput, TerminateBuilderInput,
} from '../../model/deploy-io';
import type { ReobserveInput, ReobservedFacts } from '../../model/reobserve';

export interface BakePorts {
  /** An image tagged for (fleet, commit), if any. */
  findImage(input: FindImageInput): Promise<FoundImage>;
  /** RunInstances with `clientToken`, so a repeat returns the same builder. */
  launchBuilder(input: LaunchBuilderInput): Promise<LaunchedBuilder>;
  pollBuilder(input: PollBuilderInput): Promise<BuilderFacts>;
  /** Reads the builder's console for the result marker. */
  readResult(input: ReadResultInput): Promise<BuildResultFacts>;
  /** Returns the image already created under `name`, else creates it, tagged for (fleet, commit). */
  createImage(input: CreateImageInput): Promise<CreatedImage>;
  pollImage(input: PollImageInput): Promise<ImageFacts>;
  /** Succeeds when the builder is gone or terminating. */
  terminateBuilder(input: TerminateBuilderInput): Promise<void>;
}

export interface SwapPorts {
  /** Returns the version already made for this generation, else creates it. */
  createLaunchTemplateVersion(input: CreateVersionInput): Promise<CreatedVersion>;
  /** Creates the green group unless a group of that name exists (tagged with its generation). */
  createGreenGroup(input: CreateGreenInput): Promise<void>;
  attachGreen(input: GroupInput): Promise<void>;
  pollGroupHealth(input: GroupHealthInput): Promise<GroupHealthFacts>;
  deregisterBlue(input: DeregisterBlueInput): Promise<void>;
  pollAlarms(input: AlarmsInput): Promise<AlarmFacts>;
  pollClock(): Promise<ClockFacts>;
  movePolicies(input: MovePoliciesInput): Promise<void>;
  scaleToZero(input: GroupInput): Promise<void>;
  /** Succeeds when the group is gone or being deleted. */
  deleteGroup(input: GroupInput): Promise<void>;
  restoreBlue(input: RestoreBlueInput): Promise<void>;
  detachGreen(input: GroupInput): Promise<void>;
  /** The named groups as the world shows them now (a group being deleted is missing). Read-only. */
  reobserve(input: ReobserveInput): Promise<ReobservedFacts>;
  /** Green's desired capacity set to `desired` (absolute, so a repeat is a no-op): blue's scale-out reaching green, or a canary's next weight. */
  scaleGreen(input: ScaleGreenInput): Promise<void>;
}

/**
 * The canary runs the swap's steps plus three of its own. A Classic ELB answers them with
 * green instances serving beside blue; ALB/NLB target groups with the listener's forward weights.
 */
export interface CanaryPorts extends SwapPorts {
  /**
   * Green's share of traffic; weight 0 puts it all back on blue. Never lowers what serves below
   * `desired`: blue leaves only as far as green serves, green leaves only once blue serves fully.
   */
  setTrafficWeight(input: TrafficWeightInput): Promise<TrafficFacts>;
  /** Tags green as kept for inspection after an abort. */
  keepGreen(input: KeepGreenInput): Promise<void>;
  /** One analysis of green against blue now. Read-only. */
  analyze(input: CanaryAnalysisInput): Promise<CanaryAnalysisFacts>;
}

export interface RollingPorts {
  /** The launch template version for the deployment's image (made once, found again on a re-run). */
  prepareVersion(input: PrepareVersionInput): Promise<PreparedVersion>;
  startInstanceRefresh(input: StartRefreshInput): Promise<StartedRefresh>;
  pollInstanceRefresh(input: PollRefreshInput): Promise<RefreshFacts>;
  /** Suspend or resume the group's InstanceRefresh process (rollout pause/resume between batches). */
  holdInstanceRefresh(input: HoldRefreshInput): Promise<RefreshHeld>;
  /** The group as the world shows it now, before Succeeded. Read-only. */
  reobserve(input: ReobserveInput): Promise<ReobservedFacts>;
}
