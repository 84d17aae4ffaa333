/** Apply handlers for Auto Scaling groups. */
import { call } from '../../aws/call';
import { targetGroupArn } from '../targetgroup/apply';
import { ownershipTags, TAG_GENERATION, TAG_ROLE } from '../../model/names';
import { isNotFound } from '../../aws/errors';
import { createOwned, DONE, tolerateNotFound, waiting, type StepHandler, tagsIfFound } from '../apply-context';
import { hookSpecifications } from './apply-hooks';
import type { AttachLoadBalancerParams, CreateGroupParams, NamedParams, UpdateGroupParams } from '../../model/plan-params';
import { fileSystemNotReady } from '../storage/apply';

/** Pinned to the template's default version number: the version that carries the AMI. */
export const createAutoScalingGroup: StepHandler<CreateGroupParams> = async (clients, p, ctx) => {
  const notReady = p.fileSystemToken ? await fileSystemNotReady(clients, p.fileSystemToken, ctx) : undefined;
  if (notReady) return waiting(`group ${p.name} waits for shared storage: ${notReady}`, 5_000);
  // The template was created by this plan (or seen by this pass's observe): not finding it now
  // means EC2 has not caught up yet. Wait; a template that is really gone is re-planned next pass.
  const notYet = waiting(`group ${p.name} waits for launch template ${p.launchTemplateName} to become visible`, 5_000);
  let lts;
  try {
    lts = await call(ctx, `describing launch template ${p.launchTemplateName}`, () =>
      clients.ec2.DescribeLaunchTemplates({ LaunchTemplateNames: [p.launchTemplateName] }),
    );
  } catch (err) {
    if (isNotFound(err)) return notYet;
    throw err;
  }
  const lt = lts.LaunchTemplates?.[0];
  if (!lt?.LaunchTemplateId) return notYet;
  const tags = { ...ownershipTags(ctx.fleet), [TAG_GENERATION]: String(p.generation), [TAG_ROLE]: 'web', Name: ctx.fleet };
  const what = `creating auto scaling group ${p.name}`;
  return createOwned(
    ctx,
    what,
    async () => {
      const attach = p.targetGroupName ? { TargetGroupARNs: [await targetGroupArn(clients, p.targetGroupName, ctx)] } : { LoadBalancerNames: [p.loadBalancerName] };
      await call(ctx, what, () =>
        clients.autoScaling.CreateAutoScalingGroup({
          AutoScalingGroupName: p.name,
          LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: String(lt.DefaultVersionNumber ?? 1) },
          MinSize: p.min,
          MaxSize: p.max,
          DesiredCapacity: p.desired,
          VPCZoneIdentifier: p.subnets.join(','),
          ...attach,
          HealthCheckType: 'ELB',
          HealthCheckGracePeriod: p.healthCheckGracePeriodSeconds,
          Tags: Object.entries(tags).map(([Key, Value]) => ({
            Key,
            Value,
            PropagateAtLaunch: true,
            ResourceId: p.name,
            ResourceType: 'auto-scaling-group',
          })),
          ...hookSpecifications(p.lifecycleHooks),
        }),
      );
      return { status: 'done', detail: { launchTemplateVersion: lt.DefaultVersionNumber } };
    },
    async () => {
      const out = await call(ctx, `describing auto scaling group ${p.name}`, () =>
        clients.autoScaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: [p.name] }),
      );
      return tagsIfFound(out.AutoScalingGroups?.[0]);
    },
  );
};

export const updateAutoScalingGroup: StepHandler<UpdateGroupParams> = async (clients, p, ctx) => {
  await call(ctx, `updating auto scaling group ${p.name}`, () =>
    clients.autoScaling.UpdateAutoScalingGroup({
      AutoScalingGroupName: p.name,
      ...(p.min !== undefined ? { MinSize: p.min } : {}),
      ...(p.max !== undefined ? { MaxSize: p.max } : {}),
      ...(p.desired !== undefined ? { DesiredCapacity: p.desired } : {}),
      ...(p.subnets ? { VPCZoneIdentifier: p.subnets.join(',') } : {}),
      ...(p.healthCheckType ? { HealthCheckType: p.healthCheckType } : {}),
      ...(p.healthCheckGracePeriodSeconds !== undefined ? { HealthCheckGracePeriod: p.healthCheckGracePeriodSeconds } : {}),
    }),
  );
  return DONE;
};

export const attachLoadBalancer: StepHandler<AttachLoadBalancerParams> = async (clients, p, ctx) => {
  await call(ctx, `attaching load balancer ${p.loadBalancerName} to group ${p.groupName}`, () =>
    clients.autoScaling.AttachLoadBalancers({ AutoScalingGroupName: p.groupName, LoadBalancerNames: [p.loadBalancerName] }),
  );
  return DONE;
};

export const deleteAutoScalingGroup: StepHandler<NamedParams> = (clients, p, ctx) =>
  tolerateNotFound(() =>
    call(ctx, `deleting auto scaling group ${p.name}`, () =>
      clients.autoScaling.DeleteAutoScalingGroup({ AutoScalingGroupName: p.name, ForceDelete: true }),
    ),
  );
