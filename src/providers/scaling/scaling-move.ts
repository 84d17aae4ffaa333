/**
 * Moving the fleet's scaling policies and their CPU alarms from one group to another. The
 * caller brings the steps from the planner (what the policies and alarms of `to` should be);
 * they run through the apply handlers, so a moved alarm is exactly what `plan` expects.
 */
import { resourceNames } from '../../model/names';
import type { PlanStep } from '../../model/plan';
import { applyStep } from '../apply';
import { deleteScalingPolicy } from './apply';
import type { AwsPort } from '../../aws/port';
import { applyContext, deployError, type DeployPortsContext } from '../deploy-context';

/** What a move puts on the new group: its policies, then the alarms pointing at them. */
export type ScalingMoveStep = PlanStep<'putScalingPolicy' | 'putMetricAlarm'>;

/** `steps` (on `to`), then `from`'s drover policies deleted. Idempotent. */
export async function moveScaling(clients: AwsPort, ctx: DeployPortsContext, from: string, to: string, steps: ScalingMoveStep[]): Promise<void> {
  const fleet = ctx.fleet.name;
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
