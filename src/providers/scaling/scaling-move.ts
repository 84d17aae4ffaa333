/**
 * Moving the fleet's scaling policies and their CPU alarms from one group to another. The
 * steps come from the planner (what the policies and alarms of a group should be) and run
 * through the adapter's apply handlers, so a moved alarm is exactly what `plan` expects.
 */
import { resourceNames } from '../../model/names';
import type { ObservedFleet } from '../../model/observed';
import { planScaling } from '../../planner/plan-scaling';
import { applyStep } from '../apply';
import { deleteScalingPolicy } from './apply';
import type { AwsPort } from '../../aws/port';
import { applyContext, deployError, type DeployPortsContext } from '../deploy-context';

/** Policies on `to`, alarms pointing at them, then `from`'s drover policies deleted. Idempotent. */
export async function moveScaling(clients: AwsPort, ctx: DeployPortsContext, from: string, to: string): Promise<void> {
  const fleet = ctx.fleet.name;
  const empty: ObservedFleet = { name: fleet, groups: [], alarms: [], policies: [], conflicts: [], readCalls: 0 };
  const steps = planScaling(ctx.fleet, empty, to).ensure.filter((s) => s.kind === 'putScalingPolicy' || s.kind === 'putMetricAlarm');
  const apply = applyContext(ctx);
  for (const step of steps) {
    const outcome = await applyStep(clients, step, apply);
    if (outcome.status === 'waiting') throw deployError(ctx, `moving ${step.resource} to group ${to}`, outcome.reason, 'dependency');
  }
  if (from === to) return;
  const names = resourceNames(fleet);
  for (const name of [names.scaleOutPolicy, names.scaleInPolicy]) {
    await deleteScalingPolicy(clients, { groupName: from, name }, apply);
  }
}
