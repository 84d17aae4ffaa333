/**
 * Why a group cannot reach its capacity, when AWS says so in its scaling activities. Read only
 * for live groups short of instances, so a converged fleet costs no extra call.
 */
import { call } from '../../aws/call';
import type { InstanceLifecycle, ObservedGroup } from '../../model/observed';
import type { AwsPort } from '../../aws/port';
import { CAPACITY_ATTEMPTS, describeLaunchFailure, launchFailureOf } from './launch-failures';
import type { Reader } from '../observe-context';

const LEAVING: InstanceLifecycle[] = ['terminating', 'terminated'];

export function isShortOfInstances(g: ObservedGroup): boolean {
  return g.lifecycle !== 'deleting' && g.instances.filter((i) => !LEAVING.includes(i.lifecycle)).length < g.desired;
}

/** Fill `launchFailure` on every group short of instances whose launches fail for a reason that will not fix itself. */
export async function observeLaunchFailures(clients: AwsPort, groups: ObservedGroup[], r: Reader): Promise<void> {
  for (const g of groups.filter(isShortOfInstances)) {
    const out = await call(r, `describing scaling activities of group ${g.name}`, () =>
      clients.autoScaling.DescribeScalingActivities({ AutoScalingGroupName: g.name, MaxRecords: 2 * CAPACITY_ATTEMPTS }),
    );
    const failure = launchFailureOf(out.Activities ?? []);
    if (failure) g.launchFailure = describeLaunchFailure(g.name, failure);
  }
}
