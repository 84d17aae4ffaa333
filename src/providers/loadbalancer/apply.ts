/** Apply handlers for the Classic ELB. */
import { call } from '../../aws/call';
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
import { createOwned, DONE, tolerateNotFound, type StepHandler, tagsIfFound } from '../apply-context';

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
      const out = await call(ctx, what, () =>
        clients.elb.CreateLoadBalancer({
          LoadBalancerName: p.name,
          Listeners: sdkListeners(p.listeners),
          Subnets: p.subnets,
          SecurityGroups: p.securityGroups,
          Tags: ownedTagList(ctx.fleet, p.name),
        }),
      );
      return { status: 'done', detail: { dnsName: out.DNSName } };
    },
    async () => {
      const out = await call(ctx, `describing tags of load balancer ${p.name}`, () =>
        clients.elb.DescribeTags({ LoadBalancerNames: [p.name] }),
      );
      return tagsIfFound(out.TagDescriptions?.[0]);
    },
  );
};

export const configureHealthCheck: StepHandler<ConfigureHealthCheckParams> = async (clients, p, ctx) => {
  const hc = p.healthCheck;
  await call(ctx, `configuring health check of load balancer ${p.name}`, () =>
    clients.elb.ConfigureHealthCheck({
      LoadBalancerName: p.name,
      HealthCheck: {
        Target: hc.target,
        Interval: hc.intervalSeconds,
        Timeout: hc.timeoutSeconds,
        HealthyThreshold: hc.healthyThreshold,
        UnhealthyThreshold: hc.unhealthyThreshold,
      },
    }),
  );
  return DONE;
};

export const modifyLoadBalancerAttributes: StepHandler<LoadBalancerAttributesParams> = async (clients, p, ctx) => {
  const draining = p.connectionDrainingSeconds;
  await call(ctx, `modifying attributes of load balancer ${p.name}`, () =>
    clients.elb.ModifyLoadBalancerAttributes({
      LoadBalancerName: p.name,
      LoadBalancerAttributes: {
        ConnectionDraining: { Enabled: draining > 0, Timeout: draining > 0 ? draining : 300 },
        CrossZoneLoadBalancing: { Enabled: p.crossZone },
      },
    }),
  );
  return DONE;
};

export const createLoadBalancerListeners: StepHandler<CreateListenersParams> = async (clients, p, ctx) => {
  try {
    await call(ctx, `creating listeners of load balancer ${p.name}`, () =>
      clients.elb.CreateLoadBalancerListeners({ LoadBalancerName: p.name, Listeners: sdkListeners(p.listeners) }),
    );
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  return DONE;
};

export const deleteLoadBalancerListeners: StepHandler<DeleteListenersParams> = async (clients, p, ctx) => {
  await call(ctx, `deleting listeners ${p.ports.join(', ')} of load balancer ${p.name}`, () =>
    clients.elb.DeleteLoadBalancerListeners({ LoadBalancerName: p.name, LoadBalancerPorts: p.ports }),
  );
  return DONE;
};

export const registerInstances: StepHandler<RegisterInstancesParams> = async (clients, p, ctx) => {
  await call(ctx, `registering instances ${p.instanceIds.join(', ')} with load balancer ${p.name}`, () =>
    clients.elb.RegisterInstancesWithLoadBalancer({ LoadBalancerName: p.name, Instances: p.instanceIds.map((InstanceId) => ({ InstanceId })) }),
  );
  return DONE;
};

export const deleteLoadBalancer: StepHandler<NamedParams> = (clients, p, ctx) =>
  tolerateNotFound(() =>
    call(ctx, `deleting load balancer ${p.name}`, () => clients.elb.DeleteLoadBalancer({ LoadBalancerName: p.name })),
  );
