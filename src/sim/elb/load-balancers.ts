/** Classic ELB: create, describe, delete, tags. */
import { SimCore, tagList, tagRecord } from '../core';
import { HandlerMap } from '../handler';
import { paginate } from '../paginate';
import { LoadBalancerRec } from '../state';
import { findLb, validationError } from './find';

type Listener = LoadBalancerRec['listeners'][number];

export function listenerIn(l: any): Listener {
  return {
    protocol: String(l.Protocol).toUpperCase(),
    port: Number(l.LoadBalancerPort),
    instanceProtocol: String(l.InstanceProtocol ?? l.Protocol).toUpperCase(),
    instancePort: Number(l.InstancePort),
    sslCertificateId: l.SSLCertificateId,
  };
}

function validateName(sim: SimCore, name: string): void {
  if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/.test(name)) {
    throw validationError(
      sim,
      `LoadBalancerName '${name}' is not valid: it must have at most 32 characters, contain only alphanumeric characters or hyphens, and not begin or end with a hyphen`,
    );
  }
}

function validateNetwork(sim: SimCore, subnets: string[], groups: string[]): void {
  if (!subnets.length) throw validationError(sim, 'Either AvailabilityZones or SubnetIds must be specified');
  const azs = new Set<string>();
  for (const id of subnets) {
    const s = sim.state.subnets.find((x) => x.id === id);
    if (!s) throw sim.error('ElasticLoadBalancing', 'SubnetNotFound', `One or more subnets were not found: ${id}`);
    if (azs.has(s.az)) throw sim.error('ElasticLoadBalancing', 'InvalidConfigurationRequest', 'Only one Subnet per Availability Zone permitted');
    azs.add(s.az);
  }
  for (const g of groups) {
    if (!sim.state.securityGroups[g]) throw sim.error('ElasticLoadBalancing', 'InvalidSecurityGroup', `One or more security groups are invalid: ${g}`);
  }
}

function createLoadBalancer(sim: SimCore, input: any) {
  const name = String(input.LoadBalancerName ?? '');
  validateName(sim, name);
  const listeners = ((input.Listeners ?? []) as any[]).map(listenerIn);
  if (!listeners.length) throw validationError(sim, 'At least one listener must be specified');
  const subnets: string[] = input.Subnets ?? [];
  const groups: string[] = input.SecurityGroups?.length ? input.SecurityGroups : ['sg-0a1b2c3d4e5f60000'];
  const scheme = input.Scheme === 'internal' ? 'internal' : 'internet-facing';
  const existing = sim.state.loadBalancers[name];
  if (existing) {
    // Classic ELB creation is idempotent for identical parameters.
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (same(existing.listeners, listeners) && same([...existing.subnets].sort(), [...subnets].sort()) && same(existing.securityGroups, groups) && existing.scheme === scheme) {
      return { DNSName: existing.dnsName };
    }
    throw sim.error('ElasticLoadBalancing', 'DuplicateLoadBalancerName', `Load Balancer named '${name}' already exists and it is configured with different parameters.`);
  }
  validateNetwork(sim, subnets, groups);
  const digits = String(1_000_000_000 + sim.rng.int(999_999_999));
  const dnsName = `${scheme === 'internal' ? 'internal-' : ''}${name}-${digits}.${sim.state.region}.elb.amazonaws.com`;
  sim.state.loadBalancers[name] = {
    name,
    dnsName,
    createdAt: sim.now(),
    scheme,
    listeners,
    subnets: [...subnets],
    securityGroups: groups,
    tags: tagRecord(input.Tags),
    healthCheck: { target: `TCP:${listeners[0].instancePort}`, interval: 30, timeout: 5, healthyThreshold: 10, unhealthyThreshold: 2 },
    attributes: { draining: false, drainingTimeout: 300, crossZone: false, idleTimeout: 60 },
    instances: {},
  };
  return { DNSName: dnsName };
}

function describeOut(sim: SimCore, lb: LoadBalancerRec) {
  const azs = lb.subnets.map((id) => sim.state.subnets.find((s) => s.id === id)?.az).filter((x): x is string => !!x);
  return {
    LoadBalancerName: lb.name,
    DNSName: lb.dnsName,
    CanonicalHostedZoneName: lb.dnsName,
    CanonicalHostedZoneNameID: 'Z32O12XQLNTSW2',
    ListenerDescriptions: lb.listeners.map((l) => ({
      Listener: { Protocol: l.protocol, LoadBalancerPort: l.port, InstanceProtocol: l.instanceProtocol, InstancePort: l.instancePort, SSLCertificateId: l.sslCertificateId },
      PolicyNames: [],
    })),
    Policies: { AppCookieStickinessPolicies: [], LBCookieStickinessPolicies: [], OtherPolicies: [] },
    BackendServerDescriptions: [],
    AvailabilityZones: azs,
    Subnets: [...lb.subnets],
    VPCId: sim.state.vpcId,
    Instances: Object.entries(lb.instances)
      .filter(([, r]) => r.drainingUntil === undefined)
      .map(([InstanceId]) => ({ InstanceId })),
    HealthCheck: {
      Target: lb.healthCheck.target,
      Interval: lb.healthCheck.interval,
      Timeout: lb.healthCheck.timeout,
      UnhealthyThreshold: lb.healthCheck.unhealthyThreshold,
      HealthyThreshold: lb.healthCheck.healthyThreshold,
    },
    SourceSecurityGroup: { OwnerAlias: sim.state.accountId, GroupName: sim.state.securityGroups[lb.securityGroups[0]]?.name ?? 'default' },
    SecurityGroups: [...lb.securityGroups],
    CreatedTime: sim.date(lb.createdAt),
    Scheme: lb.scheme,
  };
}

function describeLoadBalancers(sim: SimCore, input: any) {
  const names: string[] | undefined = input.LoadBalancerNames?.length ? input.LoadBalancerNames : undefined;
  const lbs = names ? names.map((n) => findLb(sim, n)) : Object.values(sim.state.loadBalancers);
  if (input.PageSize !== undefined && (input.PageSize < 1 || input.PageSize > 400)) throw validationError(sim, 'PageSize must be between 1 and 400');
  const page = paginate(sim, 'ElasticLoadBalancing', lbs, input.Marker, input.PageSize, { tokenError: 'ValidationError' });
  return { LoadBalancerDescriptions: page.items.map((lb) => describeOut(sim, lb)), NextMarker: page.next };
}

function deleteLoadBalancer(sim: SimCore, input: any) {
  delete sim.state.loadBalancers[input.LoadBalancerName];
  delete sim.state.loads[input.LoadBalancerName];
  return {};
}

function describeTags(sim: SimCore, input: any) {
  const names: string[] = input.LoadBalancerNames ?? [];
  if (names.length < 1 || names.length > 20) throw validationError(sim, 'LoadBalancerNames must contain between 1 and 20 names');
  return { TagDescriptions: names.map((n) => ({ LoadBalancerName: n, Tags: tagList(findLb(sim, n).tags) })) };
}

function addTags(sim: SimCore, input: any) {
  const names: string[] = input.LoadBalancerNames ?? [];
  if (names.length !== 1) throw validationError(sim, 'LoadBalancerNames must contain exactly 1 name');
  const lb = findLb(sim, names[0]);
  const keys = ((input.Tags ?? []) as any[]).map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw sim.error('ElasticLoadBalancing', 'DuplicateTagKeys', 'A tag key was specified more than once.');
  const merged = { ...lb.tags, ...tagRecord(input.Tags) };
  if (Object.keys(merged).length > 50) throw sim.error('ElasticLoadBalancing', 'TooManyTags', 'The quota for the number of tags that can be assigned to a load balancer has been reached.');
  lb.tags = merged;
  return {};
}

export const LOAD_BALANCER_HANDLERS: HandlerMap = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  DeleteLoadBalancer: deleteLoadBalancer,
  DescribeTags: describeTags,
  AddTags: addTags,
};
