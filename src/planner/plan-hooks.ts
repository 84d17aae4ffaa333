/**
 * Lifecycle hooks on the active group, so the daemon decides when an instance enters and
 * leaves service: `drover-launching` holds a new instance in Pending:Wait until drover has
 * seen it running and warmed up (CONTINUE if nobody answers: with drover down, the ELB health
 * check still guards a new instance, while ABANDON would throw every launch away); `drover-terminating` holds a
 * leaving instance in Terminating:Wait until its connections drained (CONTINUE if nobody answers).
 * Hooks are planned only when the caller observed them (`lifecycleHooks` defined): a one-shot
 * `apply` has no daemon to answer them and must not create them.
 */
import type { DesiredFleet } from '../model/fleet';
import type { ObservedGroup, ObservedLifecycleHook } from '../model/observed';
import type { PlanStep } from '../model/plan';
import type { HookSpec } from '../model/plan-params';
import { step } from './steps';

export const LAUNCHING_HOOK = 'drover-launching';
export const TERMINATING_HOOK = 'drover-terminating';
/** Auto Scaling accepts heartbeat timeouts of 30 s to 7200 s. */
const MIN_HEARTBEAT = 30;
const MAX_HEARTBEAT = 7200;
export const LAUNCH_HEARTBEAT_SECONDS = 300;

export type WantedHook = HookSpec;

export function wantedHooks(desired: DesiredFleet): WantedHook[] {
  const clamp = (s: number) => Math.min(MAX_HEARTBEAT, Math.max(MIN_HEARTBEAT, Math.round(s)));
  return [
    { name: LAUNCHING_HOOK, transition: 'launching', heartbeatTimeoutSeconds: LAUNCH_HEARTBEAT_SECONDS, defaultResult: 'CONTINUE' },
    {
      name: TERMINATING_HOOK,
      transition: 'terminating',
      heartbeatTimeoutSeconds: clamp(desired.loadBalancer.connectionDrainingSeconds + 60),
      defaultResult: 'CONTINUE',
    },
  ];
}

function differences(have: ObservedLifecycleHook, want: WantedHook): string[] {
  const out: string[] = [];
  if (have.transition !== want.transition) out.push(`transition is ${have.transition}, drover wants ${want.transition}`);
  if (have.heartbeatTimeoutSeconds !== want.heartbeatTimeoutSeconds) out.push(`heartbeat timeout is ${have.heartbeatTimeoutSeconds}s, drover wants ${want.heartbeatTimeoutSeconds}s`);
  if (have.defaultResult !== want.defaultResult) out.push(`default result is ${have.defaultResult}, drover wants ${want.defaultResult}`);
  if (have.notificationTargetArn) out.push(`it notifies ${have.notificationTargetArn} directly, drover wants EventBridge events`);
  return out;
}

export function planHooks(desired: DesiredFleet, active: ObservedGroup | undefined): PlanStep<'putLifecycleHook' | 'deleteLifecycleHook'>[] {
  const observed = active?.lifecycleHooks;
  if (!active || !observed) return [];
  const steps: PlanStep<'putLifecycleHook' | 'deleteLifecycleHook'>[] = [];
  const wanted = wantedHooks(desired);
  for (const want of wanted) {
    const have = observed.find((h) => h.name === want.name);
    const why = have ? differences(have, want) : ['lifecycle hook is missing'];
    if (!why.length) continue;
    const resource = `lifecycleHook/${active.name}/${want.name}`;
    // PutLifecycleHook keeps an omitted NotificationTargetARN: a hook with a target is recreated.
    if (have?.notificationTargetArn) steps.push(step('deleteLifecycleHook', resource, why.join('; '), { groupName: active.name, name: want.name }));
    steps.push(step('putLifecycleHook', resource, why.join('; '), { groupName: active.name, ...want }));
  }
  for (const stale of observed.filter((h) => h.name.startsWith('drover-') && !wanted.some((w) => w.name === h.name))) {
    steps.push(step('deleteLifecycleHook', `lifecycleHook/${active.name}/${stale.name}`, 'lifecycle hook is no longer used by drover', { groupName: active.name, name: stale.name }));
  }
  return steps;
}
