/** The bake machine's input, context, events, output and step input/output shapes. */

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

import type { ImageState, InstanceState } from '../../model/observed';

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
