/**
 * Observe the lifecycle hooks of one Auto Scaling group (DescribeLifecycleHooks). Only asked
 * for when the caller manages hooks (the daemon): a one-shot `apply` leaves them alone.
 */
import { call } from '../../aws/call';
import { isNotFound } from '../../aws/errors';
import type { ObservedGroup, ObservedLifecycleHook } from '../../model/observed';
import type { AwsPort } from '../../aws/port';
import type { Reader } from '../observe-context';

const TRANSITIONS: Record<string, ObservedLifecycleHook['transition']> = {
  'autoscaling:EC2_INSTANCE_LAUNCHING': 'launching',
  'autoscaling:EC2_INSTANCE_TERMINATING': 'terminating',
};

export async function observeLifecycleHooks(clients: AwsPort, groupName: string, r: Reader): Promise<ObservedLifecycleHook[]> {
  let out;
  try {
    out = await call(r, `describing lifecycle hooks of group ${groupName}`, () =>
      clients.autoScaling.DescribeLifecycleHooks({ AutoScalingGroupName: groupName }),
    );
  } catch (err) {
    // Deleted since DescribeAutoScalingGroups listed it (a swap's green being removed): no hooks.
    if (isNotFound(err)) return [];
    throw err;
  }
  const hooks: ObservedLifecycleHook[] = [];
  for (const h of out.LifecycleHooks ?? []) {
    const transition = TRANSITIONS[h.LifecycleTransition ?? ''];
    if (!transition || !h.LifecycleHookName) continue;
    hooks.push({
      name: h.LifecycleHookName,
      transition,
      heartbeatTimeoutSeconds: h.HeartbeatTimeout ?? 3600,
      defaultResult: h.DefaultResult === 'CONTINUE' ? 'CONTINUE' : 'ABANDON',
      ...(h.NotificationTargetARN ? { notificationTargetArn: h.NotificationTargetARN } : {}),
    });
  }
  return hooks.sort((a, b) => a.name.localeCompare(b.name));
}

/** Fill `lifecycleHooks` on every live group (a group being deleted has none worth reading). */
export async function observeGroupHooks(clients: AwsPort, groups: ObservedGroup[], r: Reader): Promise<void> {
  await Promise.all(
    groups
      .filter((g) => g.lifecycle !== 'deleting')
      .map(async (g) => {
        g.lifecycleHooks = await observeLifecycleHooks(clients, g.name, r);
      }),
  );
}
