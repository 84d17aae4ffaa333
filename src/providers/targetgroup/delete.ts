/**
 * Delete handlers for an ELBv2 fleet: its listener, its target groups and its load balancer. Each
 * re-reads the resource's tags first and deletes only what is still tagged for the fleet (a
 * resource already gone is done). Someone else's listener is never deleted: it only loses its
 * forward weights to the fleet's target groups, keeping the others as they were.
 */
import { call, callOrMissing, fleetName } from '../../aws/call';
import type { AwsPort } from '../../aws/port';
import { tagsFromList } from '../../aws/tags';
import { isOwnedBy } from '../../model/names';
import type { DeleteElbV2Params, RemoveFromListenerParams } from '../../model/plan-params-target-group';
import { DONE, type ApplyContext, type StepHandler, type StepOutcome } from '../apply-context';
import { CloudError } from '../../aws/errors';
import { forwardAction } from './apply';

/** Tags of the resource now; undefined when it is gone. */
async function tagsNow(clients: AwsPort, ctx: ApplyContext, what: string, arn: string): Promise<Record<string, string> | undefined> {
  const out = await callOrMissing(ctx, `describing tags of ${what}`, () => clients.elbv2.DescribeTags({ ResourceArns: [arn] }));
  const d = out?.TagDescriptions?.find((t) => t.ResourceArn === arn);
  return d ? tagsFromList(d.Tags) : undefined;
}

function deleteOwned(kind: string, del: (clients: AwsPort, arn: string) => Promise<unknown>): StepHandler<DeleteElbV2Params> {
  return async (clients, p, ctx): Promise<StepOutcome> => {
    const what = `${kind} ${p.name}`;
    const tags = await tagsNow(clients, ctx, what, p.arn);
    if (!tags) return DONE;
    if (!isOwnedBy(tags, fleetName(ctx))) {
      throw new CloudError(`deleting ${what} for fleet ${fleetName(ctx)}: it is no longer tagged for the fleet; left as it is`, { errorClass: 'invalid' });
    }
    await callOrMissing(ctx, `deleting ${what}`, () => del(clients, p.arn));
    return DONE;
  };
}

export const deleteElbV2Listener = deleteOwned('listener', (c, arn) => c.elbv2.DeleteListener({ ListenerArn: arn }));
export const deleteTargetGroup = deleteOwned('target group', (c, arn) => c.elbv2.DeleteTargetGroup({ TargetGroupArn: arn }));
export const deleteElbV2LoadBalancer = deleteOwned('load balancer', (c, arn) => c.elbv2.DeleteLoadBalancer({ LoadBalancerArn: arn }));

export const removeFromElbV2Listener: StepHandler<RemoveFromListenerParams> = async (clients, p, ctx) => {
  const what = `listener of load balancer ${p.loadBalancerName}`;
  await call(ctx, `taking the fleet's target groups out of the ${what}`, () =>
    clients.elbv2.ModifyListener({ ListenerArn: p.listenerArn, DefaultActions: forwardAction(p.keep) }),
  );
  return DONE;
};
