/**
 * Baking an AMI from a git commit: reuse an image already baked for (fleet, commit), else
 * launch a builder, wait for it to stop, read its console marker, image it and terminate it.
 * Every failure, timeout and abort goes through terminateBuilder before `failed`, so a bake
 * never leaks a builder. Steps are idempotent invoked actors; waits are polls of observed
 * facts that carry the actor layer's `nowMs`, so timeouts survive a restore.
 */
import { assign, fromPromise, setup } from 'xstate';

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

export type ImageState = 'pending' | 'available' | 'failed' | 'missing';
export type BuilderState = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated' | 'missing';

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

const MAX_STEP_ERRORS = 5;

/**
 * EC2 is eventually consistent: right after RunInstances or CreateImage, describing the new
 * instance or image can answer NotFound. "Missing" means gone only after this long.
 */
export const MISSING_GRACE_MS = 120_000;

function notProvided(name: string): Promise<never> {
  return Promise.reject(new Error(`running bake step ${name}: no actor provided`));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

function shortCommit(commit: string): string {
  return commit.slice(0, 12);
}

export const bakeMachine = setup({
  types: {} as { context: BakeContext; events: BakeEvent; input: BakeInput; output: BakeOutput },
  actors: {
    findImage: fromPromise<FoundImage, FindImageInput>(() => notProvided('findImage')),
    launchBuilder: fromPromise<LaunchedBuilder, LaunchBuilderInput>(() => notProvided('launchBuilder')),
    pollBuilder: fromPromise<BuilderFacts, PollBuilderInput>(() => notProvided('pollBuilder')),
    readResult: fromPromise<BuildResultFacts, ReadResultInput>(() => notProvided('readResult')),
    createImage: fromPromise<CreatedImage, CreateImageInput>(() => notProvided('createImage')),
    pollImage: fromPromise<ImageFacts, PollImageInput>(() => notProvided('pollImage')),
    terminateBuilder: fromPromise<void, TerminateBuilderInput>(() => notProvided('terminateBuilder')),
  },
  guards: {
    retryable: ({ context, event }) =>
      isRetryable((event as { error?: unknown }).error) && context.errorCount < MAX_STEP_ERRORS,
    hasFailure: ({ context }) => context.failure !== undefined,
  },
  actions: {
    recordError: assign(({ context, event }) => ({
      lastError: errorText((event as { error?: unknown }).error),
      errorCount: context.errorCount + 1,
    })),
    failFromError: assign(({ event }) => ({
      failure: { reason: 'StepFailed' as const, message: errorText((event as { error?: unknown }).error) },
    })),
    stepDone: assign(({ context }) => ({ lastError: undefined, errorCount: 0, polls: context.polls + 1 })),
    recordAbort: assign(({ context, event }) => ({
      failure: context.failure ?? {
        reason: 'Aborted' as const,
        message: `bake aborted: ${(event as { reason?: string }).reason ?? 'requested by user'}`,
      },
    })),
  },
  delays: {
    pollInterval: 15_000,
    retryDelay: ({ context }) => Math.min(300_000, 1000 * 2 ** context.errorCount),
  },
}).createMachine({
  id: 'bake',
  initial: 'bake',
  context: ({ input }) => ({
    input,
    clientToken: `drover-bake-${input.fleet}-${shortCommit(input.commit)}-${input.deploymentId ?? '0'}`.slice(0, 64),
    imageName: `drover-${input.fleet}-${shortCommit(input.commit)}-${input.deploymentId ?? '0'}`,
    reused: false,
    message: `looking for an image of ${shortCommit(input.commit)}`,
    errorCount: 0,
    polls: 0,
  }),
  on: { ABORT: { target: '.terminateBuilder', actions: 'recordAbort' } },
  states: {
    bake: {
      initial: 'findExistingImage',
      states: {
        findExistingImage: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'findImage',
                input: ({ context }) => ({ fleet: context.input.fleet, commit: context.input.commit }),
                onDone: [
                  {
                    guard: ({ event }) => !!event.output.imageId && event.output.state === 'available',
                    target: '#bake.succeeded',
                    actions: ['stepDone', assign(({ event }) => ({ imageId: event.output.imageId, reused: true, imageState: 'available' as const, message: `reusing image ${event.output.imageId}` }))],
                  },
                  {
                    guard: ({ event }) => !!event.output.imageId && event.output.state === 'pending',
                    target: '#bake.bake.waitImageAvailable',
                    actions: ['stepDone', assign(({ event }) => ({ imageId: event.output.imageId, reused: true, message: `waiting for image ${event.output.imageId}` }))],
                  },
                  { target: '#bake.bake.launchBuilder', actions: ['stepDone', assign({ message: 'launching builder' })] },
                ],
                onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#bake.terminateBuilder', actions: 'failFromError' }],
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
        launchBuilder: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'launchBuilder',
                input: ({ context }) => ({
                  fleet: context.input.fleet, commit: context.input.commit, repository: context.input.repository,
                  branch: context.input.branch, baseAmi: context.input.baseAmi,
                  instanceType: context.input.builderInstanceType, clientToken: context.clientToken,
                }),
                onDone: {
                  target: '#bake.bake.waitBuilderStopped',
                  actions: ['stepDone', assign(({ event }) => ({
                    builderId: event.output.instanceId,
                    builderLaunchedAtMs: event.output.launchedAtMs,
                    message: `builder ${event.output.instanceId} is building`,
                  }))],
                },
                onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#bake.terminateBuilder', actions: 'failFromError' }],
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
        waitBuilderStopped: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'pollBuilder',
                input: ({ context }) => ({ instanceId: context.builderId! }),
                onDone: [
                  {
                    guard: ({ event }) => event.output.state === 'stopped',
                    target: '#bake.bake.readResult',
                    actions: ['stepDone', assign({ builderState: 'stopped' as const, message: 'builder stopped; reading its result' })],
                  },
                  {
                    guard: ({ context, event }) =>
                      ['shutting-down', 'terminated'].includes(event.output.state) ||
                      (event.output.state === 'missing' && event.output.nowMs - (context.builderLaunchedAtMs ?? event.output.nowMs) > MISSING_GRACE_MS),
                    target: '#bake.terminateBuilder',
                    actions: assign(({ context, event }) => ({
                      builderState: event.output.state,
                      failure: { reason: 'BuilderLost' as const, message: `builder ${context.builderId} is ${event.output.state} before it finished` },
                    })),
                  },
                  {
                    guard: ({ context, event }) =>
                      event.output.nowMs - (context.builderLaunchedAtMs ?? event.output.nowMs) > context.input.timeoutSeconds * 1000,
                    target: '#bake.terminateBuilder',
                    actions: assign(({ context, event }) => ({
                      builderState: event.output.state,
                      failure: { reason: 'BuildTimedOut' as const, message: `builder ${context.builderId} still ${event.output.state} after ${context.input.timeoutSeconds}s` },
                    })),
                  },
                  { target: 'wait', actions: ['stepDone', assign(({ event }) => ({ builderState: event.output.state }))] },
                ],
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } },
          },
        },
        readResult: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'readResult',
                input: ({ context }) => ({ instanceId: context.builderId! }),
                onDone: [
                  {
                    guard: ({ event }) => event.output.marker === 'success',
                    target: '#bake.bake.createImage',
                    actions: ['stepDone', assign({ message: 'build succeeded; creating image' })],
                  },
                  {
                    guard: ({ event }) => event.output.marker === 'failure',
                    target: '#bake.terminateBuilder',
                    actions: assign(({ event }) => ({ failure: { reason: 'BuildFailed' as const, message: event.output.message } })),
                  },
                  {
                    guard: ({ context, event }) =>
                      event.output.nowMs - (context.resultWaitStartedAtMs ?? event.output.nowMs) > (context.input.consoleTimeoutSeconds ?? 600) * 1000,
                    target: '#bake.terminateBuilder',
                    actions: assign(({ context }) => ({ failure: { reason: 'NoBuildResult' as const, message: `builder ${context.builderId} stopped without a result marker on its console` } })),
                  },
                  {
                    target: 'wait',
                    actions: ['stepDone', assign(({ context, event }) => ({ resultWaitStartedAtMs: context.resultWaitStartedAtMs ?? event.output.nowMs }))],
                  },
                ],
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } },
          },
        },
        createImage: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'createImage',
                input: ({ context }) => ({
                  instanceId: context.builderId!, fleet: context.input.fleet, commit: context.input.commit,
                  repository: context.input.repository, branch: context.input.branch, name: context.imageName,
                }),
                onDone: {
                  target: '#bake.bake.waitImageAvailable',
                  actions: ['stepDone', assign(({ event }) => ({ imageId: event.output.imageId, message: `waiting for image ${event.output.imageId}` }))],
                },
                onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#bake.terminateBuilder', actions: 'failFromError' }],
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
        waitImageAvailable: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'pollImage',
                input: ({ context }) => ({ imageId: context.imageId! }),
                onDone: [
                  {
                    guard: ({ event }) => event.output.state === 'available',
                    target: '#bake.terminateBuilder',
                    actions: ['stepDone', assign(({ context }) => ({ imageState: 'available' as const, message: `image ${context.imageId} is available` }))],
                  },
                  {
                    guard: ({ context, event }) =>
                      event.output.state === 'failed' ||
                      (event.output.state === 'missing' && event.output.nowMs - (context.imageWaitStartedAtMs ?? event.output.nowMs) > MISSING_GRACE_MS),
                    target: '#bake.terminateBuilder',
                    actions: assign(({ context, event }) => ({
                      imageState: event.output.state,
                      failure: { reason: 'ImageFailed' as const, message: `image ${context.imageId} is ${event.output.state}` },
                    })),
                  },
                  {
                    guard: ({ context, event }) =>
                      event.output.nowMs - (context.imageWaitStartedAtMs ?? event.output.nowMs) > (context.input.imageTimeoutSeconds ?? 3600) * 1000,
                    target: '#bake.terminateBuilder',
                    actions: assign(({ context }) => ({
                      failure: { reason: 'ImageTimedOut' as const, message: `image ${context.imageId} still pending after ${context.input.imageTimeoutSeconds ?? 3600}s` },
                    })),
                  },
                  {
                    target: 'wait',
                    actions: ['stepDone', assign(({ context, event }) => ({ imageState: event.output.state, imageWaitStartedAtMs: context.imageWaitStartedAtMs ?? event.output.nowMs }))],
                  },
                ],
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } },
          },
        },
      },
    },
    terminateBuilder: {
      initial: 'run',
      on: { ABORT: {} },
      states: {
        run: {
          invoke: {
            src: 'terminateBuilder',
            input: ({ context }) => ({ instanceId: context.builderId, clientToken: context.clientToken }),
            onDone: [
              { guard: 'hasFailure', target: '#bake.failed', actions: 'stepDone' },
              { target: '#bake.succeeded', actions: 'stepDone' },
            ],
            onError: { target: 'wait', actions: 'recordError' },
          },
        },
        wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
      },
    },
    succeeded: {
      type: 'final',
      entry: assign(({ context }) => ({ message: `image ${context.imageId} is ready` })),
    },
    failed: {
      type: 'final',
      entry: assign(({ context }) => ({ message: context.failure?.message ?? 'bake failed' })),
    },
  },
  output: ({ context }): BakeOutput =>
    context.failure
      ? { status: 'failed', reason: context.failure.reason, message: context.failure.message }
      : { status: 'succeeded', imageId: context.imageId!, reused: context.reused },
});

export type BakeMachine = typeof bakeMachine;
