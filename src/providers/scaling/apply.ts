/** Apply handlers for simple scaling policies and their CPU alarms. */
import { call } from '../../aws/call';
import type { ComparisonOperator } from '../../aws/types';
import type { AlarmParams, GroupMemberParams, NamedParams, PutScalingPolicyParams } from '../../model/plan-params';
import { CloudError } from '../../aws/errors';
import { ownedTagList } from '../../aws/tags';
import { DONE, tolerateNotFound, type StepHandler } from '../apply-context';

export const putScalingPolicy: StepHandler<PutScalingPolicyParams> = async (clients, p, ctx) => {
  const out = await call(ctx, `putting scaling policy ${p.name} on group ${p.groupName}`, () =>
    clients.autoScaling.PutScalingPolicy({
      AutoScalingGroupName: p.groupName,
      PolicyName: p.name,
      PolicyType: 'SimpleScaling',
      AdjustmentType: 'ChangeInCapacity',
      ScalingAdjustment: p.adjustment,
      Cooldown: p.cooldownSeconds,
    }),
  );
  return { status: 'done', detail: { policyArn: out.PolicyARN } };
};

export const deleteScalingPolicy: StepHandler<GroupMemberParams> = (clients, p, ctx) =>
  tolerateNotFound(() =>
    call(ctx, `deleting scaling policy ${p.name} of group ${p.groupName}`, () =>
      clients.autoScaling.DeletePolicy({ AutoScalingGroupName: p.groupName, PolicyName: p.name }),
    ),
  );

export const putMetricAlarm: StepHandler<AlarmParams> = async (clients, p, ctx) => {
  const arn = p.policyArn ?? (await policyArn(clients, p, ctx));
  await call(ctx, `putting alarm ${p.name}`, () =>
    clients.cloudWatch.PutMetricAlarm({
      AlarmName: p.name,
      AlarmDescription: `drover: ${p.policyName} of fleet ${ctx.fleet}`,
      MetricName: p.metric,
      Namespace: p.namespace,
      Statistic: p.statistic as 'Average',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: p.groupName }],
      Period: p.periodSeconds,
      EvaluationPeriods: p.periods,
      Threshold: p.threshold,
      ComparisonOperator: p.comparison as ComparisonOperator,
      AlarmActions: [arn],
      Tags: ownedTagList(ctx.fleet),
    }),
  );
  return DONE;
};

async function policyArn(clients: Parameters<StepHandler>[0], p: AlarmParams, ctx: Parameters<StepHandler>[2]): Promise<string> {
  const out = await call(ctx, `describing scaling policy ${p.policyName} of group ${p.groupName}`, () =>
    clients.autoScaling.DescribePolicies({ AutoScalingGroupName: p.groupName, PolicyNames: [p.policyName] }),
  );
  const arn = out.ScalingPolicies?.find((x) => x.PolicyName === p.policyName)?.PolicyARN;
  if (!arn) {
    throw new CloudError(`putting alarm ${p.name} for fleet ${ctx.fleet}: scaling policy ${p.policyName} does not exist`, { errorClass: 'notFound' });
  }
  return arn;
}

export const deleteAlarm: StepHandler<NamedParams> = (clients, p, ctx) =>
  tolerateNotFound(() =>
    call(ctx, `deleting alarm ${p.name}`, () => clients.cloudWatch.DeleteAlarms({ AlarmNames: [p.name] })),
  );
