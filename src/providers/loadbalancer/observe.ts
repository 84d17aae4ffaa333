/** Observe the fleet's Classic ELB: description, tags (cached), attributes and instance health. */
import { call } from '../../aws/call';
import type { LoadBalancerDescription } from '../../aws/types';
import type { DesiredFleet } from '../../model/fleet';
import { isOwnedBy, MANAGED_BY, TAG_MANAGED_BY } from '../../model/names';
import type { NameConflict, ObservedLoadBalancer, Tags } from '../../model/observed';
import type { AwsPort } from '../../aws/port';
import { isNotFound } from '../../aws/errors';
import { tagsFromList } from '../../aws/tags';
import type { Reader } from '../observe-context';

export interface LoadBalancerObservation {
  loadBalancer?: ObservedLoadBalancer;
  conflict?: NameConflict;
}

export async function observeLoadBalancer(clients: AwsPort, desired: DesiredFleet, r: Reader): Promise<LoadBalancerObservation> {
  const name = desired.loadBalancer.name;
  const lb = await describeByName(clients, name, r);
  if (!lb) return {};
  const tags = await loadBalancerTags(clients, lb, r);
  if (!isOwnedBy(tags, desired.name)) return { conflict: { resourceType: 'loadBalancer', name } };
  const attrs = await call(r, `describing attributes of load balancer ${name}`, () =>
    clients.elb.DescribeLoadBalancerAttributes({ LoadBalancerName: name }),
  );
  const registered = lb.Instances ?? [];
  const health = registered.length
    ? await call(r, `describing instance health of load balancer ${name}`, () =>
        clients.elb.DescribeInstanceHealth({ LoadBalancerName: name }),
      )
    : { InstanceStates: [] };
  const registeredIds = new Set(registered.map((i) => i.InstanceId ?? ''));
  const a = attrs.LoadBalancerAttributes ?? {};
  return {
    loadBalancer: {
      ...describeShape(lb, tags),
      connectionDrainingEnabled: a.ConnectionDraining?.Enabled ?? false,
      connectionDrainingSeconds: a.ConnectionDraining?.Timeout ?? 0,
      crossZone: a.CrossZoneLoadBalancing?.Enabled ?? false,
      // Membership comes from the registration list: an instance that is draining after a
      // deregistration still reports InService health until draining ends.
      instances: (health.InstanceStates ?? []).filter((s) => registeredIds.has(s.InstanceId ?? '')).map((s) => ({
        id: s.InstanceId ?? '',
        state: s.State === 'InService' || s.State === 'OutOfService' ? s.State : 'Unknown',
        ...(s.ReasonCode && s.ReasonCode !== 'N/A' ? { reasonCode: s.ReasonCode } : {}),
        ...(s.Description && s.Description !== 'N/A' ? { description: s.Description } : {}),
      })),
    },
  };
}

async function describeByName(clients: AwsPort, name: string, r: Reader): Promise<LoadBalancerDescription | undefined> {
  try {
    const out = await call(r, `describing load balancer ${name}`, () =>
      clients.elb.DescribeLoadBalancers({ LoadBalancerNames: [name] }),
    );
    return out.LoadBalancerDescriptions?.find((d) => d.LoadBalancerName === name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Tags of a load balancer, cached by name and creation time (a replaced ELB is re-read). */
async function loadBalancerTags(clients: AwsPort, lb: LoadBalancerDescription, r: Reader): Promise<Tags> {
  const name = lb.LoadBalancerName ?? '';
  const key = `elb:${name}:${lb.CreatedTime ? new Date(lb.CreatedTime).toISOString() : ''}`;
  const cached = r.ctx.cache.tags.get(key);
  if (cached) return cached;
  const out = await call(r, `describing tags of load balancer ${name}`, () =>
    clients.elb.DescribeTags({ LoadBalancerNames: [name] }),
  );
  const tags = tagsFromList(out.TagDescriptions?.find((d) => d.LoadBalancerName === name)?.Tags);
  r.ctx.cache.prune(`elb:${name}:`, new Set());
  if (tags[TAG_MANAGED_BY] === MANAGED_BY) r.ctx.cache.tags.set(key, tags);
  return tags;
}

function describeShape(lb: LoadBalancerDescription, tags: Tags): Omit<ObservedLoadBalancer, 'connectionDrainingEnabled' | 'connectionDrainingSeconds' | 'crossZone' | 'instances'> {
  const hc: Partial<NonNullable<LoadBalancerDescription['HealthCheck']>> = lb.HealthCheck ?? {};
  return {
    name: lb.LoadBalancerName ?? '',
    dnsName: lb.DNSName ?? '',
    tags,
    listeners: (lb.ListenerDescriptions ?? []).map((d) => ({
      protocol: d.Listener?.Protocol ?? '',
      port: d.Listener?.LoadBalancerPort ?? 0,
      instanceProtocol: d.Listener?.InstanceProtocol ?? '',
      instancePort: d.Listener?.InstancePort ?? 0,
      ...(d.Listener?.SSLCertificateId ? { sslCertificateId: d.Listener.SSLCertificateId } : {}),
    })),
    subnets: lb.Subnets ?? [],
    securityGroups: lb.SecurityGroups ?? [],
    healthCheck: {
      target: hc.Target ?? '',
      intervalSeconds: hc.Interval ?? 0,
      timeoutSeconds: hc.Timeout ?? 0,
      healthyThreshold: hc.HealthyThreshold ?? 0,
      unhealthyThreshold: hc.UnhealthyThreshold ?? 0,
    },
  };
}
