/** Apply handlers for an ELBv2 fleet: the load balancer, its two target groups and the one listener. */
import { call } from '../../aws/call';
import { CloudError } from '../../aws/errors';
import type { AwsPort } from '../../aws/port';
import { ownedTagList, tagsFromList } from '../../aws/tags';
import type { DesiredElbV2, DesiredTargetGroup } from '../../model/fleet';
import type {
  CreateElbV2ListenerParams,
  CreateElbV2LoadBalancerParams,
  CreateTargetGroupParams,
  ModifyElbV2ListenerParams,
  ModifyTargetGroupParams,
} from '../../model/plan-params-target-group';
import { createOwned, DONE, type StepHandler } from '../apply-context';
import type { ApplyContext } from '../apply-context';

type Ctx = ApplyContext;

async function loadBalancerOf(clients: AwsPort, name: string, ctx: Ctx) {
  const out = await call(ctx, `describing load balancer ${name}`, () => clients.elbv2.DescribeLoadBalancers({ Names: [name] }));
  const lb = out.LoadBalancers?.[0];
  if (!lb?.LoadBalancerArn) throw new CloudError(`load balancer ${name} is not visible yet`, { errorClass: 'dependency' });
  return lb;
}

/** The ARN of a target group by name. */
export async function targetGroupArn(clients: AwsPort, name: string, ctx: Ctx): Promise<string> {
  const out = await call(ctx, `describing target group ${name}`, () => clients.elbv2.DescribeTargetGroups({ Names: [name] }));
  const arn = out.TargetGroups?.[0]?.TargetGroupArn;
  if (!arn) throw new CloudError(`target group ${name} is not visible yet`, { errorClass: 'dependency' });
  return arn;
}

async function tagsByArn(clients: AwsPort, arn: string, ctx: Ctx) {
  const out = await call(ctx, `describing tags of ${arn}`, () => clients.elbv2.DescribeTags({ ResourceArns: [arn] }));
  return tagsFromList(out.TagDescriptions?.[0]?.Tags);
}

function healthCheckInput(tg: DesiredTargetGroup) {
  const hc = tg.healthCheck;
  return {
    HealthCheckProtocol: tg.protocol,
    ...(hc.path !== undefined ? { HealthCheckPath: hc.path } : {}),
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
  };
}

export const createElbV2LoadBalancer: StepHandler<CreateElbV2LoadBalancerParams> = (clients, p, ctx) => {
  const what = `creating ${p.type} load balancer ${p.name}`;
  return createOwned(
    ctx,
    what,
    async () => {
      const out = await call(ctx, what, () =>
        clients.elbv2.CreateLoadBalancer({
          Name: p.name,
          Type: p.type,
          Subnets: p.subnets,
          ...(p.type === 'application' ? { SecurityGroups: p.securityGroups } : {}),
          Tags: ownedTagList(ctx.fleet, p.name),
        }),
      );
      return { status: 'done', detail: { dnsName: out.LoadBalancers?.[0]?.DNSName } };
    },
    async () => tagsByArn(clients, (await loadBalancerOf(clients, p.name, ctx)).LoadBalancerArn!, ctx),
  );
};

async function setDeregistrationDelay(clients: AwsPort, arn: string, name: string, tg: DesiredTargetGroup, ctx: Ctx): Promise<void> {
  await call(ctx, `modifying attributes of target group ${name}`, () =>
    clients.elbv2.ModifyTargetGroupAttributes({
      TargetGroupArn: arn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) }],
    }),
  );
}

export const createTargetGroup: StepHandler<CreateTargetGroupParams> = async (clients, p, ctx) => {
  const what = `creating target group ${p.name}`;
  const outcome = await createOwned(
    ctx,
    what,
    async () => {
      const lb = await loadBalancerOf(clients, p.loadBalancerName, ctx);
      await call(ctx, what, () =>
        clients.elbv2.CreateTargetGroup({
          Name: p.name,
          Protocol: p.targetGroup.protocol,
          Port: p.targetGroup.port,
          VpcId: lb.VpcId,
          TargetType: 'instance',
          ...healthCheckInput(p.targetGroup),
          Tags: ownedTagList(ctx.fleet, p.name),
        }),
      );
      return DONE;
    },
    async () => tagsByArn(clients, await targetGroupArn(clients, p.name, ctx), ctx),
  );
  if (outcome.status !== 'done') return outcome;
  await setDeregistrationDelay(clients, await targetGroupArn(clients, p.name, ctx), p.name, p.targetGroup, ctx);
  return DONE;
};

export const modifyTargetGroup: StepHandler<ModifyTargetGroupParams> = async (clients, p, ctx) => {
  const arn = await targetGroupArn(clients, p.name, ctx);
  const { HealthCheckProtocol: _protocol, ...hc } = healthCheckInput(p.targetGroup);
  await call(ctx, `modifying health check of target group ${p.name}`, () => clients.elbv2.ModifyTargetGroup({ TargetGroupArn: arn, ...hc }));
  await setDeregistrationDelay(clients, arn, p.name, p.targetGroup, ctx);
  return DONE;
};

function listenerInput(l: DesiredElbV2['listener']) {
  return { Protocol: l.protocol, Port: l.port, ...(l.certificateArn ? { Certificates: [{ CertificateArn: l.certificateArn }] } : {}) };
}

/** A forward action splitting traffic between target groups by weight (what the swap and the canary set). */
export function forwardAction(weights: Array<{ arn: string; weight: number }>) {
  return [{ Type: 'forward' as const, ForwardConfig: { TargetGroups: weights.map((w) => ({ TargetGroupArn: w.arn, Weight: w.weight })) } }];
}

export const createElbV2Listener: StepHandler<CreateElbV2ListenerParams> = async (clients, p, ctx) => {
  const lb = await loadBalancerOf(clients, p.loadBalancerName, ctx);
  const existing = await call(ctx, `describing listeners of load balancer ${p.loadBalancerName}`, () => clients.elbv2.DescribeListeners({ LoadBalancerArn: lb.LoadBalancerArn }));
  if (existing.Listeners?.some((l) => l.Port === p.listener.port)) return DONE;
  const tg = await targetGroupArn(clients, p.targetGroupName, ctx);
  // The standby group rides along at weight 0: a group no listener uses is not health-checked (its targets are `unused`).
  const standby = p.standbyTargetGroupName ? [{ arn: await targetGroupArn(clients, p.standbyTargetGroupName, ctx), weight: 0 }] : [];
  await call(ctx, `creating listener ${p.listener.protocol}:${p.listener.port} of load balancer ${p.loadBalancerName}`, () =>
    clients.elbv2.CreateListener({
      LoadBalancerArn: lb.LoadBalancerArn,
      ...listenerInput(p.listener),
      DefaultActions: forwardAction([{ arn: tg, weight: 100 }, ...standby]),
      Tags: ownedTagList(ctx.fleet),
    }),
  );
  return DONE;
};

export const modifyElbV2Listener: StepHandler<ModifyElbV2ListenerParams> = async (clients, p, ctx) => {
  const lb = await loadBalancerOf(clients, p.loadBalancerName, ctx);
  const out = await call(ctx, `describing listeners of load balancer ${p.loadBalancerName}`, () => clients.elbv2.DescribeListeners({ LoadBalancerArn: lb.LoadBalancerArn }));
  const l = out.Listeners?.find((x) => x.Port === p.port);
  if (!l?.ListenerArn) throw new CloudError(`listener on port ${p.port} of load balancer ${p.loadBalancerName} is gone`, { errorClass: 'dependency' });
  await call(ctx, `modifying listener on port ${p.port} of load balancer ${p.loadBalancerName}`, () => clients.elbv2.ModifyListener({ ListenerArn: l.ListenerArn, ...listenerInput(p.listener) }));
  return DONE;
};
