/** ELBv2 load balancers (application and network): create, describe, delete; tags on any ELBv2 resource. */
import { SimCore, tagList, tagRecord } from '../core';
import { HandlerMap } from '../handler';
import { paginate } from '../paginate';
import { Tags, V2LoadBalancerRec } from '../state';
import { checkName, constraint, findListener, findLoadBalancer, findTargetGroup, listenersOf, same, v2, validation } from './find';

const ZONE_IDS = { application: 'Z32O12XQLNTSW2', network: 'Z2IFOLAFXWLO4F' };

function subnetsOf(sim: SimCore, input: any): string[] {
  const ids: string[] = input.Subnets?.length ? input.Subnets : ((input.SubnetMappings ?? []) as any[]).map((m) => m.SubnetId);
  return ids.map(String);
}

function checkNetwork(sim: SimCore, type: string, subnets: string[], groups: string[]): void {
  const azs = new Set<string>();
  for (const id of subnets) {
    const s = sim.state.subnets.find((x) => x.id === id);
    if (!s) throw sim.error('ElasticLoadBalancingV2', 'SubnetNotFound', `The subnet ID '${id}' is not valid`);
    if (azs.has(s.az)) throw sim.error('ElasticLoadBalancingV2', 'InvalidConfigurationRequest', 'A load balancer cannot be attached to multiple subnets in the same Availability Zone');
    azs.add(s.az);
  }
  if (type === 'application' && azs.size < 2) throw validation(sim, 'At least two subnets in two different Availability Zones must be specified');
  if (!azs.size) throw validation(sim, 'At least one subnet must be specified');
  const bad = groups.filter((g) => !sim.state.securityGroups[g]);
  if (bad.length) throw sim.error('ElasticLoadBalancingV2', 'InvalidSecurityGroup', `One or more security groups are invalid: ${bad.join(', ')}`);
}

export function lbOut(sim: SimCore, lb: V2LoadBalancerRec) {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: ZONE_IDS[lb.type],
    CreatedTime: sim.date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: sim.state.vpcId,
    State: { Code: sim.now() >= lb.activeAt ? 'active' : 'provisioning' },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((id) => ({ ZoneName: sim.state.subnets.find((s) => s.id === id)?.az, SubnetId: id, LoadBalancerAddresses: [] })),
    SecurityGroups: [...lb.securityGroups],
    IpAddressType: lb.ipAddressType,
  };
}

function createLoadBalancer(sim: SimCore, input: any) {
  const name = String(input.Name ?? '');
  checkName(sim, 'Load balancer', name);
  const type = input.Type ?? 'application';
  if (type !== 'application' && type !== 'network') throw constraint(sim, type, 'type', 'Member must satisfy enum value set: [application, network, gateway]');
  const scheme = input.Scheme === 'internal' ? 'internal' : 'internet-facing';
  const subnets = subnetsOf(sim, input);
  const groups: string[] = input.SecurityGroups?.length ? input.SecurityGroups : type === 'application' ? ['sg-0a1b2c3d4e5f60000'] : [];
  const ipAddressType = input.IpAddressType ?? 'ipv4';
  const existing = Object.values(v2(sim).loadBalancers).find((lb) => lb.name === name);
  if (existing) {
    // Creating a load balancer with the same settings again succeeds and returns it (AWS: idempotent).
    const settings = (lb: { type: string; scheme: string; subnets: string[]; securityGroups: string[]; ipAddressType: string }) => [lb.type, lb.scheme, [...lb.subnets].sort(), [...lb.securityGroups].sort(), lb.ipAddressType];
    if (same(settings(existing), settings({ type, scheme, subnets, securityGroups: groups, ipAddressType }))) return { LoadBalancers: [lbOut(sim, existing)] };
    throw sim.error('ElasticLoadBalancingV2', 'DuplicateLoadBalancerName', `A load balancer with the same name '${name}' exists, but with different settings`);
  }
  checkNetwork(sim, type, subnets, groups);
  const tags = tagsIn(sim, input.Tags);
  const id = sim.rng.hex(16);
  const arn = sim.arn('elasticloadbalancing', `loadbalancer/${type === 'network' ? 'net' : 'app'}/${name}/${id}`);
  const prefix = scheme === 'internal' ? 'internal-' : '';
  const dnsName =
    type === 'network'
      ? `${prefix}${name}-${sim.rng.hex(16)}.elb.${sim.state.region}.amazonaws.com`
      : `${prefix}${name}-${1_000_000_000 + sim.rng.int(999_999_999)}.${sim.state.region}.elb.amazonaws.com`;
  const lb: V2LoadBalancerRec = {
    arn,
    name,
    id,
    type,
    scheme,
    ipAddressType,
    dnsName,
    createdAt: sim.now(),
    activeAt: sim.now() + sim.timings.elbv2ProvisionMs,
    subnets,
    securityGroups: groups,
    tags,
  };
  v2(sim).loadBalancers[arn] = lb;
  return { LoadBalancers: [lbOut(sim, lb)] };
}

function describeLoadBalancers(sim: SimCore, input: any) {
  const arns: string[] = input.LoadBalancerArns ?? [];
  const names: string[] = input.Names ?? [];
  if (arns.length && names.length) throw validation(sim, 'Load balancer names and load balancer ARNs cannot be specified at the same time');
  if (input.PageSize !== undefined && (input.PageSize < 1 || input.PageSize > 400)) throw constraint(sim, input.PageSize, 'pageSize', 'Member must have value between 1 and 400');
  const all = Object.values(v2(sim).loadBalancers);
  let lbs = all;
  if (arns.length) lbs = arns.map((a) => findLoadBalancer(sim, a));
  if (names.length) {
    lbs = names.map((n) => all.find((lb) => lb.name === n)!);
    if (lbs.some((lb) => !lb)) throw sim.error('ElasticLoadBalancingV2', 'LoadBalancerNotFound', 'One or more load balancers not found');
  }
  const page = paginate(sim, 'ElasticLoadBalancingV2', lbs, input.Marker, input.PageSize, { max: 400, tokenError: 'ValidationError' });
  return { LoadBalancers: page.items.map((lb) => lbOut(sim, lb)), NextMarker: page.next };
}

/** Deleting a load balancer that does not exist succeeds (as AWS documents); its listeners go with it. */
function deleteLoadBalancer(sim: SimCore, input: any) {
  const lb = v2(sim).loadBalancers[input.LoadBalancerArn];
  if (!lb) return {};
  for (const l of listenersOf(sim, lb.arn)) delete v2(sim).listeners[l.arn];
  delete v2(sim).loadBalancers[lb.arn];
  if (!sim.state.loadBalancers[lb.name]) delete sim.state.loads[lb.name];
  sim.dirty = true;
  return {};
}

export function tagsIn(sim: SimCore, list: Array<{ Key?: string; Value?: string }> | undefined): Tags {
  const keys = (list ?? []).map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw sim.error('ElasticLoadBalancingV2', 'DuplicateTagKeys', `Tag key '${keys.find((k, i) => keys.indexOf(k) !== i)}' is duplicated`);
  if (keys.length > 50) throw sim.error('ElasticLoadBalancingV2', 'TooManyTags', 'You have reached the limit on the number of tags that can be assigned to a resource.');
  return tagRecord(list);
}

/** The record holding an ELBv2 resource's tags, by the resource type in its ARN. */
function tagged(sim: SimCore, arn: string): { tags: Tags } {
  if (/:listener\//.test(arn)) return findListener(sim, arn);
  if (/:targetgroup\//.test(arn)) return findTargetGroup(sim, arn);
  return findLoadBalancer(sim, arn);
}

function addTags(sim: SimCore, input: any) {
  const arns: string[] = input.ResourceArns ?? [];
  const add = tagsIn(sim, input.Tags);
  for (const arn of arns) {
    const rec = tagged(sim, arn);
    const merged = { ...rec.tags, ...add };
    if (Object.keys(merged).length > 50) throw sim.error('ElasticLoadBalancingV2', 'TooManyTags', 'You have reached the limit on the number of tags that can be assigned to a resource.');
    rec.tags = merged;
  }
  return {};
}

function describeTags(sim: SimCore, input: any) {
  const arns: string[] = input.ResourceArns ?? [];
  if (arns.length < 1 || arns.length > 20) throw constraint(sim, `[${arns.join(', ')}]`, 'resourceArns', 'Member must have length between 1 and 20');
  return { TagDescriptions: arns.map((arn) => ({ ResourceArn: arn, Tags: tagList(tagged(sim, arn).tags) })) };
}

export const V2_LOAD_BALANCER_HANDLERS: HandlerMap = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  DeleteLoadBalancer: deleteLoadBalancer,
  AddTags: addTags,
  DescribeTags: describeTags,
};
