/** Lifecycle hooks: put, describe, delete, complete, heartbeat. */
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
import { buildTagIndex, tagKey } from '../indexes';
import { GroupInstanceRec, GroupRec, HookRec } from '../state';
import { findGroup, validation } from './find';
import { sendTestNotification } from './hook-actions';

const TRANSITIONS = ['autoscaling:EC2_INSTANCE_LAUNCHING', 'autoscaling:EC2_INSTANCE_TERMINATING'];

export function putHook(sim: SimCore, input: any, test = true) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const key = `${g.name}/${input.LifecycleHookName}`;
  const prior = sim.state.hooks[key];
  const transition = input.LifecycleTransition ?? prior?.transition;
  if (!TRANSITIONS.includes(transition)) throw validation(sim, `Invalid Lifecycle Transition: ${transition}`);
  const timeout = input.HeartbeatTimeout ?? prior?.heartbeatTimeout ?? 3600;
  if (timeout < 30 || timeout > 7200) throw validation(sim, 'HeartbeatTimeout must be between 30 and 7200 seconds');
  const hook: HookRec = {
    group: g.name,
    name: input.LifecycleHookName,
    transition,
    heartbeatTimeout: timeout,
    defaultResult: (input.DefaultResult ?? prior?.defaultResult ?? 'ABANDON') === 'CONTINUE' ? 'CONTINUE' : 'ABANDON',
    targetArn: input.NotificationTargetARN ?? prior?.targetArn,
    roleArn: input.RoleARN ?? prior?.roleArn,
    metadata: input.NotificationMetadata ?? prior?.metadata,
  };
  if (!prior && Object.values(sim.state.hooks).filter((h) => h.group === g.name).length >= 50) {
    throw sim.error('AutoScaling', 'LimitExceeded', 'Cannot have more than 50 lifecycle hooks per group');
  }
  if (test && hook.targetArn && hook.targetArn !== prior?.targetArn && !sendTestNotification(sim, g, hook)) {
    throw validation(
      sim,
      `Unable to publish test message to notification target ${hook.targetArn} using IAM role ${hook.roleArn}. Please check your target and role configuration and try to put lifecycle hook again.`,
    );
  }
  sim.state.hooks[key] = hook;
  return {};
}

function hookOut(h: HookRec) {
  return {
    LifecycleHookName: h.name,
    AutoScalingGroupName: h.group,
    LifecycleTransition: h.transition,
    NotificationTargetARN: h.targetArn,
    RoleARN: h.roleArn,
    NotificationMetadata: h.metadata,
    HeartbeatTimeout: h.heartbeatTimeout,
    GlobalTimeout: Math.min(h.heartbeatTimeout * 100, 172800),
    DefaultResult: h.defaultResult,
  };
}

function describeHooks(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const names: string[] | undefined = input.LifecycleHookNames?.length ? input.LifecycleHookNames : undefined;
  const index = sim.indexes.get(sim.state, 'hooks.byGroup', (s) => buildTagIndex(Object.values(s.hooks), (h) => [['group', h.group]]));
  const pool = (index.byTag.get(tagKey('group', g.name)) ?? []).filter((h) => sim.state.hooks[`${h.group}/${h.name}`] === h);
  const hooks = pool.filter((h) => h.group === g.name && (!names || names.includes(h.name)));
  return { LifecycleHooks: hooks.map(hookOut) };
}

function deleteHook(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const key = `${g.name}/${input.LifecycleHookName}`;
  if (!sim.state.hooks[key]) throw validation(sim, `No Lifecycle Hook found with name ${input.LifecycleHookName} for group ${g.name}`);
  delete sim.state.hooks[key];
  for (const gi of Object.values(g.instances)) {
    if (gi.action && gi.action.hook === input.LifecycleHookName) gi.action.result = gi.lifecycle === 'Pending:Wait' ? 'ABANDON' : 'CONTINUE';
  }
  sim.dirty = true;
  return {};
}

function findAction(sim: SimCore, input: any): { g: GroupRec; gi: GroupInstanceRec } {
  const g = findGroup(sim, input.AutoScalingGroupName);
  if (!sim.state.hooks[`${g.name}/${input.LifecycleHookName}`]) {
    throw validation(sim, `No Lifecycle Hook found with name ${input.LifecycleHookName} for group ${g.name}`);
  }
  const gi = Object.values(g.instances).find(
    (i) =>
      i.action &&
      i.action.hook === input.LifecycleHookName &&
      !i.action.result &&
      (input.LifecycleActionToken ? i.action.token === input.LifecycleActionToken : i.id === input.InstanceId),
  );
  if (!gi) {
    const what = input.LifecycleActionToken ? `token ${input.LifecycleActionToken}` : `instance ID ${input.InstanceId}`;
    throw validation(sim, `No active Lifecycle Action found with ${what}`);
  }
  return { g, gi };
}

function completeAction(sim: SimCore, input: any) {
  const result = input.LifecycleActionResult;
  if (result !== 'CONTINUE' && result !== 'ABANDON') throw validation(sim, `Invalid LifecycleActionResult: ${result}`);
  const { gi } = findAction(sim, input);
  gi.action!.result = result;
  sim.dirty = true;
  return {};
}

function heartbeat(sim: SimCore, input: any) {
  const { g, gi } = findAction(sim, input);
  const hook = sim.state.hooks[`${g.name}/${input.LifecycleHookName}`];
  gi.action!.deadline = sim.now() + hook.heartbeatTimeout * 1000;
  return {};
}

export const HOOK_HANDLERS: HandlerMap = {
  PutLifecycleHook: (sim, input) => putHook(sim, input),
  DescribeLifecycleHooks: describeHooks,
  DeleteLifecycleHook: deleteHook,
  CompleteLifecycleAction: completeAction,
  RecordLifecycleActionHeartbeat: heartbeat,
};
