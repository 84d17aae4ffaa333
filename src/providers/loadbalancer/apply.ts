/** Apply handlers for the Classic ELB. */
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  CreateLoadBalancerListenersCommand,
  DeleteLoadBalancerCommand,
  DeleteLoadBalancerListenersCommand,
  DescribeTagsCommand,
  ModifyLoadBalancerAttributesCommand,
  RegisterInstancesWithLoadBalancerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import type { Listener } from '../../model/fleet';
import type {
  ConfigureHealthCheckParams,
  CreateListenersParams,
  CreateLoadBalancerParams,
  DeleteListenersParams,
  LoadBalancerAttributesParams,
  NamedParams,
  RegisterInstancesParams,
} from '../../model/plan-params';
import { isAlreadyExists } from '../../aws/errors';
import { ownedTagList } from '../../aws/tags';
import { act, createOwned, DONE, tolerateNotFound, type StepHandler, tagsIfFound } from '../apply-context';

const sdkListeners = (ls: Listener[]) =>
  ls.map((l) => ({
    Protocol: l.protocol,
    LoadBalancerPort: l.port,
    InstanceProtocol: l.instanceProtocol,
    InstancePort: l.instancePort,
    ...(l.sslCertificateId ? { SSLCertificateId: l.sslCertificateId } : {}),
  }));

export const createLoadBalancer: StepHandler<CreateLoadBalancerParams> = (clients, p, ctx) => {
  const what = `creating load balancer ${p.name}`;
  return createOwned(
    ctx,
    what,
    async () => {
      const out = await act(ctx, what, () =>
        clients.elb.send(
          new CreateLoadBalancerCommand({
            LoadBalancerName: p.name,
            Listeners: sdkListeners(p.listeners),
            Subnets: p.subnets,
            SecurityGroups: p.securityGroups,
            Tags: ownedTagList(ctx.fleet, p.name),
          }),
        ),
      );
      return { status: 'done', detail: { dnsName: out.DNSName } };
    },
    async () => {
      const out = await act(ctx, `describing tags of load balancer ${p.name}`, () =>
        clients.elb.send(new DescribeTagsCommand({ LoadBalancerNames: [p.name] })),
      );
      return tagsIfFound(out.TagDescriptions?.[0]);
    },
  );
};

export const configureHealthCheck: StepHandler<ConfigureHealthCheckParams> = async (clients, p, ctx) => {
  const hc = p.healthCheck;
  await act(ctx, `configuring health check of load balancer ${p.name}`, () =>
    clients.elb.send(
      new ConfigureHealthCheckCommand({
        LoadBalancerName: p.name,
        HealthCheck: {
          Target: hc.target,
          Interval: hc.intervalSeconds,
          Timeout: hc.timeoutSeconds,
          HealthyThreshold: hc.healthyThreshold,
          UnhealthyThreshold: hc.unhealthyThreshold,
        },
      }),
    ),
  );
  return DONE;
};

export const modifyLoadBalancerAttributes: StepHandler<LoadBalancerAttributesParams> = async (clients, p, ctx) => {
  const draining = p.connectionDrainingSeconds;
  await act(ctx, `modifying attributes of load balancer ${p.name}`, () =>
    clients.elb.send(
      new ModifyLoadBalancerAttributesCommand({
        LoadBalancerName: p.name,
        LoadBalancerAttributes: {
          ConnectionDraining: { Enabled: draining > 0, Timeout: draining > 0 ? draining : 300 },
          CrossZoneLoadBalancing: { Enabled: p.crossZone },
        },
      }),
    ),
  );
  return DONE;
};

export const createLoadBalancerListeners: StepHandler<CreateListenersParams> = async (clients, p, ctx) => {
  try {
    await act(ctx, `creating listeners of load balancer ${p.name}`, () =>
      clients.elb.send(new CreateLoadBalancerListenersCommand({ LoadBalancerName: p.name, Listeners: sdkListeners(p.listeners) })),
    );
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  return DONE;
};

export const deleteLoadBalancerListeners: StepHandler<DeleteListenersParams> = async (clients, p, ctx) => {
  await act(ctx, `deleting listeners ${p.ports.join(', ')} of load balancer ${p.name}`, () =>
    clients.elb.send(new DeleteLoadBalancerListenersCommand({ LoadBalancerName: p.name, LoadBalancerPorts: p.ports })),
  );
  return DONE;
};

export const registerInstances: StepHandler<RegisterInstancesParams> = async (clients, p, ctx) => {
  await act(ctx, `registering instances ${p.instanceIds.join(', ')} with load balancer ${p.name}`, () =>
    clients.elb.send(
      new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: p.name, Instances: p.instanceIds.map((InstanceId) => ({ InstanceId })) }),
    ),
  );
  return DONE;
};

export const deleteLoadBalancer: StepHandler<NamedParams> = (clients, p, ctx) =>
  tolerateNotFound(() =>
    act(ctx, `deleting load balancer ${p.name}`, () => clients.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerName: p.name }))),
  );
