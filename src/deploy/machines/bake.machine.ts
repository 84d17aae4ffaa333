/**
 * Baking an AMI from a git commit: reuse an image already baked for (fleet, commit), else
 * launch a builder, wait for it to stop, read its console marker, image it and terminate it.
 * Every failure, timeout and abort goes through terminateBuilder before `failed`, so a bake
 * never leaks a builder. Steps are idempotent invoked actors; waits are polls of observed
 * facts that carry the actor layer's `nowMs`, so timeouts survive a restore.
 */
import { assign, fromPromise, setup } from 'xstate';
import {
  errorOf, errorRecorded, errorText, notProvided as kitNotProvided, retryDelayMs, retryableError, stepCompleted, stepKit,
} from './step-kit';
import type {
  BakeContext, BakeEvent, BakeInput, BakeOutput, BuilderFacts, BuildResultFacts, CreatedImage, CreateImageInput, FindImageInput,
  FoundImage, ImageFacts, LaunchBuilderInput, LaunchedBuilder, PollBuilderInput, PollImageInput, ReadResultInput, TerminateBuilderInput,
} from './bake.types';

export * from './bake.types';

/**
 * EC2 is eventually consistent: right after RunInstances or CreateImage, describing the new
 * instance or image can answer NotFound. "Missing" means gone only after this long.
 */
export const MISSING_GRACE_MS = 120_000;

const { step, set } = stepKit<BakeContext>();

function notProvided(name: string): Promise<never> {
  return kitNotProvided('bake', name);
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
    retryable: ({ context, event }) => retryableError(context, event),
    hasFailure: ({ context }) => context.failure !== undefined,
  },
  actions: {
    recordError: assign(({ context, event }) => errorRecorded(context, event)),
    failFromError: assign(({ event }) => ({ failure: { reason: 'StepFailed' as const, message: errorText(errorOf(event)) } })),
    stepDone: assign(({ context }) => stepCompleted(context)),
    recordAbort: assign(({ context, event }) => ({
      failure: context.failure ?? {
        reason: 'Aborted' as const,
        message: `bake aborted: ${(event as { reason?: string }).reason ?? 'requested by user'}`,
      },
    })),
  },
  delays: {
    pollInterval: 15_000,
    retryDelay: ({ context }) => retryDelayMs(context),
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
        findExistingImage: step<FoundImage>('retryDelay', {
          src: 'findImage',
          input: ({ context }) => ({ fleet: context.input.fleet, commit: context.input.commit }),
          onDone: [
            {
              guard: ({ event }) => !!event.output.imageId && event.output.state === 'available',
              target: '#bake.succeeded',
              actions: ['stepDone', set(({ event }) => ({ imageId: event.output.imageId, reused: true, imageState: 'available' as const, message: `reusing image ${event.output.imageId}` }))],
            },
            {
              guard: ({ event }) => !!event.output.imageId && event.output.state === 'pending',
              target: '#bake.bake.waitImageAvailable',
              actions: ['stepDone', set(({ event }) => ({ imageId: event.output.imageId, reused: true, message: `waiting for image ${event.output.imageId}` }))],
            },
            { target: '#bake.bake.launchBuilder', actions: ['stepDone', assign({ message: 'launching builder' })] },
          ],
          onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#bake.terminateBuilder', actions: 'failFromError' }],
        }),
        launchBuilder: step<LaunchedBuilder>('retryDelay', {
          src: 'launchBuilder',
          input: ({ context }) => ({
            fleet: context.input.fleet, commit: context.input.commit, repository: context.input.repository,
            branch: context.input.branch, baseAmi: context.input.baseAmi,
            instanceType: context.input.builderInstanceType, clientToken: context.clientToken,
          }),
          onDone: {
            target: '#bake.bake.waitBuilderStopped',
            actions: ['stepDone', set(({ event }) => ({
              builderId: event.output.instanceId,
              builderLaunchedAtMs: event.output.launchedAtMs,
              message: `builder ${event.output.instanceId} is building`,
            }))],
          },
          onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#bake.terminateBuilder', actions: 'failFromError' }],
        }),
        waitBuilderStopped: step<BuilderFacts>('pollInterval', {
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
              actions: set(({ context, event }) => ({
                builderState: event.output.state,
                failure: { reason: 'BuilderLost' as const, message: `builder ${context.builderId} is ${event.output.state} before it finished` },
              })),
            },
            {
              guard: ({ context, event }) =>
                event.output.nowMs - (context.builderLaunchedAtMs ?? event.output.nowMs) > context.input.timeoutSeconds * 1000,
              target: '#bake.terminateBuilder',
              actions: set(({ context, event }) => ({
                builderState: event.output.state,
                failure: { reason: 'BuildTimedOut' as const, message: `builder ${context.builderId} still ${event.output.state} after ${context.input.timeoutSeconds}s` },
              })),
            },
            { target: 'wait', actions: ['stepDone', set(({ event }) => ({ builderState: event.output.state }))] },
          ],
          onError: { target: 'wait', actions: 'recordError' },
        }),
        readResult: step<BuildResultFacts>('pollInterval', {
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
              actions: set(({ event }) => ({ failure: { reason: 'BuildFailed' as const, message: event.output.message } })),
            },
            {
              guard: ({ context, event }) =>
                event.output.nowMs - (context.resultWaitStartedAtMs ?? event.output.nowMs) > (context.input.consoleTimeoutSeconds ?? 600) * 1000,
              target: '#bake.terminateBuilder',
              actions: set(({ context }) => ({ failure: { reason: 'NoBuildResult' as const, message: `builder ${context.builderId} stopped without a result marker on its console` } })),
            },
            {
              target: 'wait',
              actions: ['stepDone', set(({ context, event }) => ({ resultWaitStartedAtMs: context.resultWaitStartedAtMs ?? event.output.nowMs }))],
            },
          ],
          onError: { target: 'wait', actions: 'recordError' },
        }),
        createImage: step<CreatedImage>('retryDelay', {
          src: 'createImage',
          input: ({ context }) => ({
            instanceId: context.builderId!, fleet: context.input.fleet, commit: context.input.commit,
            repository: context.input.repository, branch: context.input.branch, name: context.imageName,
          }),
          onDone: {
            target: '#bake.bake.waitImageAvailable',
            actions: ['stepDone', set(({ event }) => ({ imageId: event.output.imageId, message: `waiting for image ${event.output.imageId}` }))],
          },
          onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#bake.terminateBuilder', actions: 'failFromError' }],
        }),
        waitImageAvailable: step<ImageFacts>('pollInterval', {
          src: 'pollImage',
          input: ({ context }) => ({ imageId: context.imageId! }),
          onDone: [
            {
              guard: ({ event }) => event.output.state === 'available',
              target: '#bake.terminateBuilder',
              actions: ['stepDone', set(({ context }) => ({ imageState: 'available' as const, message: `image ${context.imageId} is available` }))],
            },
            {
              guard: ({ context, event }) =>
                event.output.state === 'failed' ||
                (event.output.state === 'missing' && event.output.nowMs - (context.imageWaitStartedAtMs ?? event.output.nowMs) > MISSING_GRACE_MS),
              target: '#bake.terminateBuilder',
              actions: set(({ context, event }) => ({
                imageState: event.output.state,
                failure: { reason: 'ImageFailed' as const, message: `image ${context.imageId} is ${event.output.state}` },
              })),
            },
            {
              guard: ({ context, event }) =>
                event.output.nowMs - (context.imageWaitStartedAtMs ?? event.output.nowMs) > (context.input.imageTimeoutSeconds ?? 3600) * 1000,
              target: '#bake.terminateBuilder',
              actions: set(({ context }) => ({
                failure: { reason: 'ImageTimedOut' as const, message: `image ${context.imageId} still pending after ${context.input.imageTimeoutSeconds ?? 3600}s` },
              })),
            },
            {
              target: 'wait',
              actions: ['stepDone', set(({ context, event }) => ({ imageState: event.output.state, imageWaitStartedAtMs: context.imageWaitStartedAtMs ?? event.output.nowMs }))],
            },
          ],
          onError: { target: 'wait', actions: 'recordError' },
        }),
      },
    },
    terminateBuilder: step('retryDelay', {
      src: 'terminateBuilder',
      input: ({ context }) => ({ instanceId: context.builderId, clientToken: context.clientToken }),
      onDone: [
        { guard: 'hasFailure', target: '#bake.failed', actions: 'stepDone' },
        { target: '#bake.succeeded', actions: 'stepDone' },
      ],
      onError: { target: 'wait', actions: 'recordError' },
    }, { on: { ABORT: {} } }),
    succeeded: {
      type: 'final',
      entry: set(({ context }) => ({ message: `image ${context.imageId} is ready` })),
    },
    failed: {
      type: 'final',
      entry: set(({ context }) => ({ message: context.failure?.message ?? 'bake failed' })),
    },
  },
  output: ({ context }): BakeOutput =>
    context.failure
      ? { status: 'failed', reason: context.failure.reason, message: context.failure.message }
      : { status: 'succeeded', imageId: context.imageId!, reused: context.reused },
});

export type BakeMachine = typeof bakeMachine;
