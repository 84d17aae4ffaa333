/**
 * Blue/green swap of Auto Scaling groups behind a Classic ELB. Green comes up at blue's
 * full capacity and must be entirely InService before blue leaves the ELB, so serving
 * capacity never drops. Unhealthy green, a watched alarm during soak, a failed step or
 * `UNDO` roll back: blue back to full capacity and healthy first, then green goes.
 * Steps are idempotent invoked actors; waits poll observed facts carrying `nowMs`.
 */
import { assign, fromPromise, setup } from 'xstate';
import { groupName } from '../model/names';
import { greenProblem, groupFacts, rederive, servesFully, type ReobserveInput, type ReobservedFacts } from '../model/reobserve';

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

export type SwapRollbackReason = 'GreenUnhealthy' | 'LaunchFailed' | 'AlarmFired' | 'Undo' | 'StepFailed' | 'GroupMissing' | 'WorldChanged';
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
  message: string;
  lastError?: string;
  errorCount: number;
  polls: number;
}

export type SwapEvent =
  | { type: 'UNDO' }
  | { type: 'POLL' }
  | { type: 'ALARM'; alarmName: string }
  | { type: 'SCALE_OUT'; adjustment?: number }
  | { type: 'SCALE_OUT_APPLIED'; adjustment: number };

const MAX_STEP_ERRORS = 5;
const MAX_RESTARTS = 3;
/** How long a just-created green may stay invisible before it counts as missing. */
const MISSING_GRACE_MS = 60_000;

function notProvided(name: string): Promise<never> {
  return Promise.reject(new Error(`running swap step ${name}: no actor provided`));
}

function errorOf(event: unknown): unknown {
  return (event as { error?: unknown }).error;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Desired capacity of whichever group serves: blue's at start plus scale-outs applied since. */
export function targetDesired(context: SwapContext): number {
  return context.input.desiredAtStart + context.scaleOutApplied;
}

/**
 * What a rolled-back blue must serve: the swap's target, or less when blue kept serving and
 * its own scaling policies scaled it in meanwhile (restoreBlue keeps that desired capacity).
 */
export function blueTarget(context: SwapContext, facts: GroupHealthFacts): number {
  const target = targetDesired(context);
  return facts.desired !== undefined && facts.desired > 0 ? Math.min(target, facts.desired) : target;
}

function elapsedMs(startedAt: number | undefined, nowMs: number): number {
  return nowMs - (startedAt ?? nowMs);
}

/** The reobserve guard's read: green and blue as the world shows them now. */
function reobserveBoth(context: SwapContext, health: boolean): ReobserveInput {
  return { groupNames: [context.greenGroup, context.input.blueGroup], health };
}

function factsOf(event: unknown): ReobservedFacts {
  return (event as { output: ReobservedFacts }).output;
}

/** Green is gone or is not the group this swap made. */
function greenIssue(context: SwapContext, facts: ReobservedFacts): SwapProblem | undefined {
  const message = greenProblem(context.greenGroup, groupFacts(facts, context.greenGroup), context.input.amiId);
  if (!message) return undefined;
  return { reason: groupFacts(facts, context.greenGroup).exists ? 'WorldChanged' : 'GroupMissing', message };
}

/** Green has been short of N/N for longer than the healthy timeout. */
function greenShortTooLong(context: SwapContext, facts: ReobservedFacts): SwapProblem | undefined {
  const g = groupFacts(facts, context.greenGroup);
  const limit = context.input.healthyTimeoutSeconds;
  if (servesFully(g) || elapsedMs(context.verifyStartedAtMs, facts.nowMs) <= limit * 1000) return undefined;
  return { reason: 'GreenUnhealthy', message: `green group ${context.greenGroup} serves ${g.inService}/${g.desired} InService after ${limit}s` };
}

function rederivation(context: SwapContext, facts: ReobservedFacts) {
  return rederive({ blue: context.input.blueGroup, green: context.greenGroup }, facts, {
    target: targetDesired(context),
    problem: context.problem?.message ?? 'the world changed under the deployment',
    restartsLeft: context.restarts < MAX_RESTARTS,
    inRollback: context.rollback !== undefined,
  });
}

export const swapMachine = setup({
  types: {} as { context: SwapContext; events: SwapEvent; input: SwapInput; output: SwapOutput },
  actors: {
    createLaunchTemplateVersion: fromPromise<CreatedVersion, CreateVersionInput>(() => notProvided('createLaunchTemplateVersion')),
    createGreenGroup: fromPromise<void, CreateGreenInput>(() => notProvided('createGreenGroup')),
    attachGreen: fromPromise<void, GroupInput>(() => notProvided('attachGreen')),
    pollGroupHealth: fromPromise<GroupHealthFacts, GroupHealthInput>(() => notProvided('pollGroupHealth')),
    deregisterBlue: fromPromise<void, DeregisterBlueInput>(() => notProvided('deregisterBlue')),
    pollAlarms: fromPromise<AlarmFacts, AlarmsInput>(() => notProvided('pollAlarms')),
    pollClock: fromPromise<ClockFacts, void>(() => notProvided('pollClock')),
    movePolicies: fromPromise<void, MovePoliciesInput>(() => notProvided('movePolicies')),
    scaleToZero: fromPromise<void, GroupInput>(() => notProvided('scaleToZero')),
    deleteGroup: fromPromise<void, GroupInput>(() => notProvided('deleteGroup')),
    restoreBlue: fromPromise<void, RestoreBlueInput>(() => notProvided('restoreBlue')),
    detachGreen: fromPromise<void, GroupInput>(() => notProvided('detachGreen')),
    reobserve: fromPromise<ReobservedFacts, ReobserveInput>(() => notProvided('reobserve')),
  },
  guards: {
    retryable: ({ context, event }) =>
      (errorOf(event) as { retryable?: unknown } | undefined)?.retryable === true && context.errorCount < MAX_STEP_ERRORS,
    /** AWS says a group (or what it needs) is gone; bounded, so a rollback that keeps meeting it backs off instead. */
    notFound: ({ context, event }) => (errorOf(event) as { errorClass?: unknown } | undefined)?.errorClass === 'notFound' && context.errorCount < MAX_STEP_ERRORS,
    greenWrong: ({ context, event }) => greenIssue(context, factsOf(event)) !== undefined,
    greenWrongOrStuck: ({ context, event }) => (greenIssue(context, factsOf(event)) ?? greenShortTooLong(context, factsOf(event))) !== undefined,
    greenServes: ({ context, event }) => servesFully(groupFacts(factsOf(event), context.greenGroup)),
    rederiveRestart: ({ context, event }) => rederivation(context, factsOf(event)).action === 'restart',
    rederiveRollback: ({ context, event }) => rederivation(context, factsOf(event)).action === 'rollback',
  },
  actions: {
    recordError: assign(({ context, event }) => ({ lastError: errorText(errorOf(event)), errorCount: context.errorCount + 1 })),
    stepDone: assign(({ context }) => ({ lastError: undefined, errorCount: 0, polls: context.polls + 1 })),
    /** A poll that settles nothing: errors met on the way stay counted. */
    observed: assign(({ context }) => ({ polls: context.polls + 1 })),
    failFromError: assign(({ event }) => ({
      rollback: { reason: 'StepFailed' as const, message: errorText(errorOf(event)), failingInstanceIds: [] },
    })),
    requestUndo: assign(({ context }) => ({
      rollback: context.rollback ?? { reason: 'Undo' as const, message: 'rollout undo requested', failingInstanceIds: [] },
    })),
    rejectUndo: assign(({ context }) => ({
      undoRejected: `undo is no longer possible: blue group ${context.input.blueGroup} is being deleted`,
    })),
    recordScaleOut: assign(({ context, event }) => ({
      pendingScaleOut: context.pendingScaleOut + ((event as { adjustment?: number }).adjustment ?? 1),
    })),
    noteGreenProblem: assign(({ context, event }) => ({
      problem: greenIssue(context, factsOf(event)) ?? greenShortTooLong(context, factsOf(event)),
      verifyStartedAtMs: undefined,
    })),
    noteGreenGone: assign(({ context }) => ({ problem: { reason: 'GroupMissing' as const, message: `green group ${context.greenGroup} is missing` } })),
    noteMissingFromError: assign(({ event }) => ({ problem: { reason: 'GroupMissing' as const, message: errorText(errorOf(event)) } })),
    noteBlueGone: assign(({ context, event }) => ({ problem: { reason: 'GroupMissing' as const, message: `blue group ${context.input.blueGroup} is missing: ${errorText(errorOf(event))}` } })),
    noteGreenShort: assign(({ context, event }) => {
      const g = groupFacts(factsOf(event), context.greenGroup);
      return {
        verifyStartedAtMs: context.verifyStartedAtMs ?? factsOf(event).nowMs,
        message: `waiting for ${context.greenGroup} to serve ${g.desired}/${g.desired} InService (now ${g.inService}) before going on`,
      };
    }),
    restartRollout: assign(({ context, event }) => ({
      restarts: context.restarts + 1, message: rederivation(context, factsOf(event)).message, problem: undefined, undoPossible: true,
      green: undefined, greenWaitStartedAtMs: undefined, drainStartedAtMs: undefined, soakStartedAtMs: undefined, keepStartedAtMs: undefined, verifyStartedAtMs: undefined,
    })),
    rollbackFromProblem: assign(({ context, event }) => ({
      rollback: context.rollback ?? { reason: context.problem?.reason ?? 'WorldChanged', message: rederivation(context, factsOf(event)).message, failingInstanceIds: [] },
      problem: undefined,
    })),
    failFromProblem: assign(({ context, event }) => ({
      failure: { reason: context.problem?.reason ?? 'WorldChanged', message: rederivation(context, factsOf(event)).message },
    })),
    ackScaleOut: assign(({ context, event }) => {
      const applied = Math.min(context.pendingScaleOut, (event as { adjustment?: number }).adjustment ?? 0);
      return { pendingScaleOut: context.pendingScaleOut - applied, scaleOutApplied: context.scaleOutApplied + applied };
    }),
  },
  delays: {
    pollInterval: 10_000,
    retryDelay: ({ context }) => Math.min(300_000, 1000 * 2 ** context.errorCount),
  },
}).createMachine({
  id: 'swap',
  initial: 'rollout',
  context: ({ input }) => ({
    input,
    greenGroup: groupName(input.fleet, input.generation),
    undoPossible: true,
    restarts: 0,
    pendingScaleOut: 0,
    scaleOutApplied: 0,
    message: `creating launch template version for ${input.amiId}`,
    errorCount: 0,
    polls: 0,
  }),
  on: {
    SCALE_OUT: { actions: 'recordScaleOut' },
    SCALE_OUT_APPLIED: { actions: 'ackScaleOut' },
  },
  states: {
    rollout: {
      initial: 'createLaunchTemplateVersion',
      on: { UNDO: { target: '#swap.rollback', actions: 'requestUndo' } },
      states: {
        createLaunchTemplateVersion: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'createLaunchTemplateVersion',
                input: ({ context }) => ({ fleet: context.input.fleet, generation: context.input.generation, amiId: context.input.amiId }),
                onDone: {
                  target: '#swap.rollout.createGreenGroup',
                  actions: ['stepDone', assign(({ context, event }) => ({
                    launchTemplateVersion: event.output.version,
                    previousVersion: event.output.previousVersion,
                    message: `creating green group ${context.greenGroup}`,
                  }))],
                },
                onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#swap.rollback', actions: 'failFromError' }],
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
        createGreenGroup: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'createGreenGroup',
                input: ({ context }) => ({
                  fleet: context.input.fleet, generation: context.input.generation, groupName: context.greenGroup,
                  launchTemplateVersion: context.launchTemplateVersion!, desired: targetDesired(context),
                }),
                onDone: { target: '#swap.rollout.attachGreen', actions: ['stepDone', assign(({ context }) => ({ message: `attaching ${context.greenGroup} to the load balancer` }))] },
                onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#swap.rollback', actions: 'failFromError' }],
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
        attachGreen: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'attachGreen',
                input: ({ context }) => ({ groupName: context.greenGroup }),
                onDone: { target: '#swap.rollout.waitGreenHealthy', actions: ['stepDone', assign(({ context }) => ({ message: `waiting for ${context.greenGroup} to be InService` }))] },
                onError: [
                  { guard: 'notFound', target: '#swap.rederive', actions: ['recordError', 'noteMissingFromError'] },
                  { guard: 'retryable', target: 'wait', actions: 'recordError' },
                  { target: '#swap.rollback', actions: 'failFromError' },
                ],
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
        waitGreenHealthy: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'pollGroupHealth',
                input: ({ context }) => ({ groupName: context.greenGroup, desired: targetDesired(context) }),
                onDone: [
                  {
                    // A group created moments ago may not show yet (eventual consistency): missing counts after a grace.
                    guard: ({ context, event }) => event.output.exists === false && elapsedMs(context.greenWaitStartedAtMs, event.output.nowMs) >= MISSING_GRACE_MS,
                    target: '#swap.rederive',
                    actions: ['stepDone', 'noteGreenGone'],
                  },
                  {
                    guard: ({ context, event }) => event.output.inService.length >= targetDesired(context) && event.output.notInService.length === 0,
                    target: '#swap.rollout.deregisterBlue',
                    actions: ['stepDone', assign(({ context, event }) => ({
                      green: { inService: event.output.inService.length, desired: targetDesired(context), notInService: [] },
                      message: `green healthy; taking ${context.input.blueGroup} out of the load balancer`,
                    }))],
                  },
                  {
                    // Launches that cannot succeed: roll back within one poll, with AWS's reason.
                    guard: ({ event }) => !!event.output.launchFailure,
                    target: '#swap.rollback',
                    actions: assign(({ context, event }) => ({
                      green: { inService: event.output.inService.length, desired: targetDesired(context), notInService: event.output.notInService },
                      rollback: { reason: 'LaunchFailed' as const, message: event.output.launchFailure!, failingInstanceIds: event.output.notInService },
                    })),
                  },
                  {
                    guard: ({ context, event }) => elapsedMs(context.greenWaitStartedAtMs, event.output.nowMs) > context.input.healthyTimeoutSeconds * 1000,
                    target: '#swap.rollback',
                    actions: assign(({ context, event }) => ({
                      green: { inService: event.output.inService.length, desired: targetDesired(context), notInService: event.output.notInService },
                      rollback: {
                        reason: 'GreenUnhealthy' as const,
                        message: `${event.output.inService.length}/${targetDesired(context)} green instances InService after ${context.input.healthyTimeoutSeconds}s`,
                        failingInstanceIds: event.output.notInService,
                      },
                    })),
                  },
                  {
                    target: 'wait',
                    actions: ['stepDone', assign(({ context, event }) => ({
                      greenWaitStartedAtMs: context.greenWaitStartedAtMs ?? event.output.nowMs,
                      green: { inService: event.output.inService.length, desired: targetDesired(context), notInService: event.output.notInService },
                      message: `${event.output.inService.length}/${targetDesired(context)} green instances InService`,
                    }))],
                  },
                ],
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } },
          },
        },
        deregisterBlue: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'deregisterBlue',
                input: ({ context }) => ({ blueGroup: context.input.blueGroup, greenGroup: context.greenGroup }),
                onDone: { target: '#swap.rollout.drainBlue', actions: ['stepDone', assign(({ context }) => ({ message: `draining ${context.input.blueGroup}` }))] },
                onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#swap.rollback', actions: 'failFromError' }],
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
        drainBlue: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'pollClock',
                onDone: [
                  {
                    guard: ({ context, event }) => elapsedMs(context.drainStartedAtMs, event.output.nowMs) >= context.input.drainingSeconds * 1000,
                    target: '#swap.rollout.soak',
                    actions: ['stepDone', assign({ message: 'soaking green' })],
                  },
                  { target: 'wait', actions: ['stepDone', assign(({ context, event }) => ({ drainStartedAtMs: context.drainStartedAtMs ?? event.output.nowMs }))] },
                ],
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } },
          },
        },
        soak: {
          initial: 'run',
          on: {
            ALARM: {
              guard: ({ context, event }) => context.input.rollbackOnAlarms.includes(event.alarmName),
              target: '#swap.rollback',
              actions: assign(({ event }) => ({ rollback: { reason: 'AlarmFired' as const, message: `alarm ${event.alarmName} fired during soak`, failingInstanceIds: [] } })),
            },
          },
          states: {
            run: {
              invoke: {
                src: 'pollAlarms',
                input: ({ context }) => ({ alarmNames: context.input.rollbackOnAlarms }),
                onDone: [
                  {
                    guard: ({ event }) => event.output.firing.length > 0,
                    target: '#swap.rollback',
                    actions: assign(({ event }) => ({
                      rollback: { reason: 'AlarmFired' as const, message: `alarm ${event.output.firing.join(', ')} fired during soak`, failingInstanceIds: [] },
                    })),
                  },
                  {
                    guard: ({ context, event }) => elapsedMs(context.soakStartedAtMs, event.output.nowMs) >= context.input.soakSeconds * 1000,
                    target: '#swap.rollout.movePolicies',
                    actions: ['stepDone', assign(({ context }) => ({ message: `moving scaling policies to ${context.greenGroup}` }))],
                  },
                  { target: 'wait', actions: ['stepDone', assign(({ context, event }) => ({ soakStartedAtMs: context.soakStartedAtMs ?? event.output.nowMs }))] },
                ],
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } },
          },
        },
        movePolicies: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'movePolicies',
                input: ({ context }) => ({ fleet: context.input.fleet, fromGroup: context.input.blueGroup, toGroup: context.greenGroup }),
                onDone: { target: '#swap.rollout.verifyBeforeScaleIn', actions: ['stepDone', assign(({ context }) => ({ message: `checking that ${context.greenGroup} serves before scaling ${context.input.blueGroup} to zero` }))] },
                onError: [{ guard: 'notFound', target: '#swap.rederive', actions: ['recordError', 'noteMissingFromError'] }, { target: 'wait', actions: 'recordError' }],
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
        verifyBeforeScaleIn: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'reobserve',
                input: ({ context }) => reobserveBoth(context, true),
                onDone: [
                  { guard: 'greenWrongOrStuck', target: '#swap.rederive', actions: ['stepDone', 'noteGreenProblem'] },
                  { guard: 'greenServes', target: '#swap.rollout.scaleBlueToZero', actions: ['stepDone', assign(({ context }) => ({ verifyStartedAtMs: undefined, message: `scaling ${context.input.blueGroup} to zero` }))] },
                  { target: 'wait', actions: ['stepDone', 'noteGreenShort'] },
                ],
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } },
          },
        },
        scaleBlueToZero: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'scaleToZero',
                input: ({ context }) => ({ groupName: context.input.blueGroup }),
                onDone: { target: '#swap.rollout.keepPrevious', actions: ['stepDone', assign(({ context }) => ({ message: `keeping ${context.input.blueGroup} for a fast undo` }))] },
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
        keepPrevious: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'reobserve',
                input: ({ context }) => reobserveBoth(context, false),
                onDone: [
                  { guard: 'greenWrong', target: '#swap.rederive', actions: ['stepDone', 'noteGreenProblem'] },
                  {
                    guard: ({ context, event }) => elapsedMs(context.keepStartedAtMs, event.output.nowMs) >= context.input.keepPreviousSeconds * 1000,
                    target: '#swap.rollout.verifyBeforeDeleteBlue',
                    actions: ['stepDone', assign(({ context }) => ({ message: `checking that ${context.greenGroup} serves before deleting ${context.input.blueGroup}` }))],
                  },
                  { target: 'wait', actions: ['stepDone', assign(({ context, event }) => ({ keepStartedAtMs: context.keepStartedAtMs ?? event.output.nowMs }))] },
                ],
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } },
          },
        },
        verifyBeforeDeleteBlue: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'reobserve',
                input: ({ context }) => reobserveBoth(context, true),
                onDone: [
                  { guard: 'greenWrongOrStuck', target: '#swap.rederive', actions: ['stepDone', 'noteGreenProblem'] },
                  { guard: 'greenServes', target: '#swap.deleteBlue', actions: ['stepDone', assign(({ context }) => ({ verifyStartedAtMs: undefined, undoPossible: false, message: `deleting ${context.input.blueGroup}` }))] },
                  { target: 'wait', actions: ['stepDone', 'noteGreenShort'] },
                ],
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } },
          },
        },
      },
    },
    deleteBlue: {
      initial: 'run',
      on: { UNDO: { actions: 'rejectUndo' } },
      states: {
        run: {
          invoke: {
            src: 'deleteGroup',
            input: ({ context }) => ({ groupName: context.input.blueGroup }),
            onDone: { target: '#swap.verifyServing', actions: ['stepDone', assign(({ context }) => ({ message: `checking that ${context.greenGroup} serves` }))] },
            onError: { target: 'wait', actions: 'recordError' },
          },
        },
        wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
      },
    },
    /** The last reobserve guard: Succeeded only while green serves N/N on the load balancer. */
    verifyServing: {
      initial: 'run',
      on: { UNDO: { actions: 'rejectUndo' } },
      states: {
        run: {
          invoke: {
            src: 'reobserve',
            input: ({ context }) => reobserveBoth(context, true),
            onDone: [
              { guard: 'greenWrongOrStuck', target: '#swap.rederive', actions: ['stepDone', 'noteGreenProblem'] },
              { guard: 'greenServes', target: '#swap.succeeded', actions: 'stepDone' },
              { target: 'wait', actions: ['stepDone', 'noteGreenShort'] },
            ],
            onError: { target: 'wait', actions: 'recordError' },
          },
        },
        wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } },
      },
    },
    /**
     * The world and the snapshot disagree: read both groups and go where the world says
     * (see reobserve.ts): make green again, roll back to blue, or end truthfully as failed.
     */
    rederive: {
      initial: 'run',
      entry: assign(({ context }) => ({ message: `re-deriving from the world: ${context.problem?.message ?? 'the world changed'}` })),
      states: {
        run: {
          invoke: {
            src: 'reobserve',
            input: ({ context }) => reobserveBoth(context, true),
            onDone: [
              { guard: 'rederiveRestart', target: '#swap.rollout', actions: ['stepDone', 'restartRollout'] },
              { guard: 'rederiveRollback', target: '#swap.rollback', actions: ['observed', 'rollbackFromProblem'] },
              { target: '#swap.failed', actions: ['observed', 'failFromProblem'] },
            ],
            onError: { target: 'wait', actions: 'recordError' },
          },
        },
        wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
      },
    },
    failed: {
      type: 'final',
      entry: assign(({ context }) => ({ message: `failed: ${context.failure?.message ?? 'the world changed'}` })),
    },
    succeeded: {
      type: 'final',
      entry: assign(({ context }) => ({ message: `${context.greenGroup} serves ${context.input.amiId}` })),
    },
    rollback: {
      initial: 'restoreBlue',
      entry: assign(({ context }) => ({ message: `rolling back: ${context.rollback?.message ?? 'requested'}` })),
      states: {
        restoreBlue: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'restoreBlue',
                input: ({ context }) => ({ fleet: context.input.fleet, blueGroup: context.input.blueGroup, greenGroup: context.greenGroup, desired: targetDesired(context) }),
                onDone: { target: '#swap.rollback.waitBlueHealthy', actions: 'stepDone' },
                onError: [{ guard: 'notFound', target: '#swap.rederive', actions: ['recordError', 'noteBlueGone'] }, { target: 'wait', actions: 'recordError' }],
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
        waitBlueHealthy: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'pollGroupHealth',
                input: ({ context }) => ({ groupName: context.input.blueGroup, desired: targetDesired(context) }),
                onDone: [
                  {
                    guard: ({ event }) => event.output.exists === false,
                    target: '#swap.rederive',
                    actions: ['stepDone', assign(({ context }) => ({ problem: { reason: 'GroupMissing' as const, message: `blue group ${context.input.blueGroup} is missing` } }))],
                  },
                  { guard: ({ context, event }) => event.output.inService.length >= blueTarget(context, event.output), target: '#swap.rollback.detachGreen', actions: 'stepDone' },
                  { target: 'wait', actions: ['stepDone', assign(({ context, event }) => ({ message: `rolling back: ${event.output.inService.length}/${blueTarget(context, event.output)} blue instances InService` }))] },
                ],
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } },
          },
        },
        detachGreen: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'detachGreen',
                input: ({ context }) => ({ groupName: context.greenGroup }),
                onDone: { target: '#swap.rollback.deleteGreen', actions: 'stepDone' },
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
        deleteGreen: {
          initial: 'run',
          states: {
            run: {
              invoke: {
                src: 'deleteGroup',
                input: ({ context }) => ({ groupName: context.greenGroup }),
                onDone: { target: '#swap.rolledBack', actions: 'stepDone' },
                onError: { target: 'wait', actions: 'recordError' },
              },
            },
            wait: { after: { retryDelay: 'run' }, on: { POLL: 'run' } },
          },
        },
      },
    },
    rolledBack: {
      type: 'final',
      entry: assign(({ context }) => ({ message: `rolled back: ${context.rollback?.message ?? 'requested'}` })),
    },
  },
  output: ({ context }): SwapOutput =>
    context.failure
      ? { status: 'failed', ...context.failure, failingInstanceIds: [] }
      : context.rollback
      ? { status: 'rolledBack', ...context.rollback }
      : { status: 'succeeded', greenGroup: context.greenGroup, generation: context.input.generation, launchTemplateVersion: context.launchTemplateVersion! },
});

export type SwapMachine = typeof swapMachine;
