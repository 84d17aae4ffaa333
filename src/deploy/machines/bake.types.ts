/** The bake machine's input, context, events, output and step input/output shapes. */
import type { ImageState, BuilderState } from '../../model/deploy-io';

export interface BakeInput {
  fleet: string;
  commit: string;
  repository: string;
  branch: string;
  baseAmi: string;
  builderInstanceType: string;
  /** Longest the builder may run before the bake fails. */
  timeoutSeconds: number;
  /** Distinguishes attempts at the same commit (ClientToken, image name). */
  deploymentId?: string;
  /** Longest the image may stay pending. Default 3600. */
  imageTimeoutSeconds?: number;
  /** Longest to wait for the console marker after the builder stopped. Default 600. */
  consoleTimeoutSeconds?: number;
}

/** The port calls' shapes live in model (providers answer them without importing deploy). */
export type {
  ImageState, BuilderState, FindImageInput, FoundImage, LaunchBuilderInput, LaunchedBuilder, PollBuilderInput,
  BuilderFacts, ReadResultInput, BuildResultFacts, CreateImageInput, CreatedImage, PollImageInput, ImageFacts,
  TerminateBuilderInput,
} from '../../model/deploy-io';

export type BakeFailureReason =
  | 'BuildFailed' | 'BuildTimedOut' | 'BuilderLost' | 'NoBuildResult'
  | 'ImageFailed' | 'ImageTimedOut' | 'Aborted' | 'StepFailed';

export type BakeOutput =
  | { status: 'succeeded'; imageId: string; reused: boolean }
  | { status: 'failed'; reason: BakeFailureReason; message: string };

export interface BakeContext {
  input: BakeInput;
  clientToken: string;
  imageName: string;
  builderId?: string;
  builderLaunchedAtMs?: number;
  builderState?: BuilderState;
  resultWaitStartedAtMs?: number;
  imageId?: string;
  imageState?: ImageState;
  imageWaitStartedAtMs?: number;
  reused: boolean;
  failure?: { reason: BakeFailureReason; message: string };
  /** One human line about the current phase, for status. */
  message: string;
  lastError?: string;
  errorCount: number;
  polls: number;
}

export type BakeEvent = { type: 'ABORT'; reason?: string } | { type: 'POLL' };
