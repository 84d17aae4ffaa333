/** Open lifecycle actions and their notifications (SQS target or EventBridge event). */
import { SimCore } from '../core';
import { publishEvent } from '../lifecycle/events';
import { enqueue, queueByArn } from '../sqs/store';
import { GroupInstanceRec, GroupRec, HookRec } from '../state';

export function hookFor(sim: SimCore, g: GroupRec, transition: HookRec['transition']): HookRec | undefined {
  return Object.values(sim.state.hooks)
    .filter((h) => h.group === g.name && h.transition === transition)
    .sort((a, b) => a.name.localeCompare(b.name))[0];
}

export function openAction(sim: SimCore, g: GroupRec, gi: GroupInstanceRec, hook: HookRec): void {
  const launching = hook.transition === 'autoscaling:EC2_INSTANCE_LAUNCHING';
  gi.lifecycle = launching ? 'Pending:Wait' : 'Terminating:Wait';
  gi.action = { token: sim.uuid(), hook: hook.name, deadline: sim.now() + hook.heartbeatTimeout * 1000 };
  const activity = sim.state.activities.find((a) => a.id === gi.activityId);
  if (activity && activity.endedAt === undefined) activity.status = 'MidLifecycleAction';
  notifyAction(sim, g, gi, hook, launching);
  sim.dirty = true;
}

function notifyAction(sim: SimCore, g: GroupRec, gi: GroupInstanceRec, hook: HookRec, launching: boolean): void {
  const common = {
    Origin: launching ? 'EC2' : 'AutoScalingGroup',
    Destination: launching ? 'AutoScalingGroup' : 'EC2',
    LifecycleActionToken: gi.action!.token,
    AutoScalingGroupName: g.name,
    LifecycleHookName: hook.name,
    EC2InstanceId: gi.id,
    LifecycleTransition: hook.transition,
    ...(hook.metadata !== undefined ? { NotificationMetadata: hook.metadata } : {}),
  };
  const q = queueByArn(sim, hook.targetArn);
  if (q) {
    const body = { ...common, Service: 'AWS Auto Scaling', Time: sim.date().toISOString(), RequestId: sim.uuid(), AccountId: sim.state.accountId };
    enqueue(sim, q, JSON.stringify(body));
    return;
  }
  const detailType = launching ? 'EC2 Instance-launch Lifecycle Action' : 'EC2 Instance-terminate Lifecycle Action';
  publishEvent(sim, detailType, 'aws.autoscaling', [g.arn], common);
}

/** The test message AWS sends when a hook with a notification target is put. */
export function sendTestNotification(sim: SimCore, g: GroupRec, hook: HookRec): boolean {
  if (!hook.targetArn) return true;
  const q = queueByArn(sim, hook.targetArn);
  if (!q) return false;
  const body = {
    AccountId: sim.state.accountId,
    RequestId: sim.uuid(),
    AutoScalingGroupARN: g.arn,
    AutoScalingGroupName: g.name,
    Service: 'AWS Auto Scaling',
    Event: 'autoscaling:TEST_NOTIFICATION',
    Time: sim.date().toISOString(),
  };
  enqueue(sim, q, JSON.stringify(body));
  return true;
}
