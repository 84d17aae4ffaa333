/** EC2 subnets and security groups. */
import { SimCore, tagList } from '../core';
import { HandlerMap } from '../handler';
import { paginate } from '../paginate';
import { IpPermissionRec, SecurityGroupRec } from '../state';
import { matchesFilters, tagFilterValues, tagsFromSpecs } from './filters';

function describeSubnets(sim: SimCore, input: any) {
  const ids: string[] | undefined = input.SubnetIds?.length ? input.SubnetIds : undefined;
  for (const id of ids ?? []) {
    if (!sim.state.subnets.some((s) => s.id === id)) throw sim.error('EC2', 'InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
  }
  const all = sim.state.subnets.filter(
    (s) =>
      (!ids || ids.includes(s.id)) &&
      matchesFilters(sim, input.Filters, (n) =>
        n === 'vpc-id' ? [s.vpcId] : n === 'subnet-id' ? [s.id] : n === 'availability-zone' ? [s.az] : n === 'cidr-block' ? [s.cidr] : tagFilterValues(s.tags, n),
      ),
  );
  const page = paginate(sim, 'EC2', all, input.NextToken, ids ? all.length : input.MaxResults);
  return {
    Subnets: page.items.map((s) => ({
      SubnetId: s.id,
      SubnetArn: sim.arn('ec2', `subnet/${s.id}`),
      VpcId: s.vpcId,
      AvailabilityZone: s.az,
      AvailabilityZoneId: s.azId,
      CidrBlock: s.cidr,
      State: 'available',
      AvailableIpAddressCount: 4000,
      DefaultForAz: false,
      MapPublicIpOnLaunch: false,
      OwnerId: sim.state.accountId,
      Tags: tagList(s.tags),
    })),
    NextToken: page.next,
  };
}

export function findGroup(sim: SimCore, id: string): SecurityGroupRec {
  const g = sim.state.securityGroups[id];
  if (!g) throw sim.error('EC2', 'InvalidGroup.NotFound', `The security group '${id}' does not exist`);
  return g;
}

function groupOut(sim: SimCore, g: SecurityGroupRec) {
  return {
    GroupId: g.id,
    GroupName: g.name,
    Description: g.description,
    VpcId: g.vpcId,
    OwnerId: sim.state.accountId,
    SecurityGroupArn: sim.arn('ec2', `security-group/${g.id}`),
    IpPermissions: g.ingress.map((p) => ({
      IpProtocol: p.protocol,
      FromPort: p.fromPort,
      ToPort: p.toPort,
      IpRanges: p.cidrs.map((CidrIp) => ({ CidrIp })),
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: p.groups.map((u) => ({ GroupId: u.groupId, UserId: sim.state.accountId, Description: u.description })),
    })),
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    Tags: tagList(g.tags),
  };
}

function describeSecurityGroups(sim: SimCore, input: any) {
  const ids: string[] | undefined = input.GroupIds?.length ? input.GroupIds : undefined;
  const names: string[] | undefined = input.GroupNames?.length ? input.GroupNames : undefined;
  ids?.forEach((id) => findGroup(sim, id));
  for (const n of names ?? []) {
    if (!Object.values(sim.state.securityGroups).some((g) => g.name === n)) {
      throw sim.error('EC2', 'InvalidGroup.NotFound', `The security group '${n}' does not exist in default VPC '${sim.state.vpcId}'`);
    }
  }
  const all = Object.values(sim.state.securityGroups).filter(
    (g) =>
      (!ids || ids.includes(g.id)) &&
      (!names || names.includes(g.name)) &&
      matchesFilters(sim, input.Filters, (n) =>
        n === 'group-name' ? [g.name] : n === 'group-id' ? [g.id] : n === 'vpc-id' ? [g.vpcId] : n === 'description' ? [g.description] : tagFilterValues(g.tags, n),
      ),
  );
  const page = paginate(sim, 'EC2', all, input.NextToken, ids || names ? all.length : input.MaxResults);
  return { SecurityGroups: page.items.map((g) => groupOut(sim, g)), NextToken: page.next };
}

function createSecurityGroup(sim: SimCore, input: any) {
  if (!input.GroupName) throw sim.error('EC2', 'MissingParameter', 'The request must contain the parameter groupName');
  if (!input.Description) throw sim.error('EC2', 'MissingParameter', 'The request must contain the parameter groupDescription');
  const vpcId = input.VpcId ?? sim.state.vpcId;
  if (vpcId !== sim.state.vpcId) throw sim.error('EC2', 'InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
  if (Object.values(sim.state.securityGroups).some((g) => g.name === input.GroupName && g.vpcId === vpcId)) {
    throw sim.error('EC2', 'InvalidGroup.Duplicate', `The security group '${input.GroupName}' already exists for VPC '${vpcId}'`);
  }
  const id = sim.id('sg');
  const tags = tagsFromSpecs(input.TagSpecifications, 'security-group');
  sim.state.securityGroups[id] = { id, name: input.GroupName, description: input.Description, vpcId, tags, ingress: [] };
  return { GroupId: id, Tags: tagList(tags), SecurityGroupArn: sim.arn('ec2', `security-group/${id}`) };
}

/** Flatten IpPermissions into single rules (one source each) for matching. */
function flatten(sim: SimCore, perms: any[] | undefined): IpPermissionRec[] {
  const out: IpPermissionRec[] = [];
  for (const p of perms ?? []) {
    const protocol = String(p.IpProtocol ?? '-1');
    const base = { protocol, fromPort: protocol === '-1' ? undefined : p.FromPort, toPort: protocol === '-1' ? undefined : p.ToPort };
    for (const r of p.IpRanges ?? []) out.push({ ...base, cidrs: [r.CidrIp], groups: [] });
    for (const u of p.UserIdGroupPairs ?? []) {
      findGroup(sim, u.GroupId);
      out.push({ ...base, cidrs: [], groups: [{ groupId: u.GroupId, description: u.Description }] });
    }
  }
  if (!out.length) throw sim.error('EC2', 'MissingParameter', 'No source specified: either a CIDR range or a security group is required');
  return out;
}

const sameRule = (a: IpPermissionRec, b: IpPermissionRec) =>
  a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort && (a.cidrs[0] ?? a.groups[0]?.groupId) === (b.cidrs[0] ?? b.groups[0]?.groupId);

function describeRule(r: IpPermissionRec): string {
  return `peer: ${r.cidrs[0] ?? r.groups[0]?.groupId}, ${r.protocol === '-1' ? 'ALL' : r.protocol.toUpperCase()}, from port: ${r.fromPort}, to port: ${r.toPort}, ALLOW`;
}

function authorizeIngress(sim: SimCore, input: any) {
  const g = findGroup(sim, input.GroupId);
  const rules = flatten(sim, input.IpPermissions);
  for (const r of rules) {
    if (g.ingress.some((x) => sameRule(x, r))) throw sim.error('EC2', 'InvalidPermission.Duplicate', `the specified rule "${describeRule(r)}" already exists`);
  }
  g.ingress.push(...rules);
  return {
    Return: true,
    SecurityGroupRules: rules.map((r) => ({
      SecurityGroupRuleId: sim.id('sgr'),
      GroupId: g.id,
      GroupOwnerId: sim.state.accountId,
      IsEgress: false,
      IpProtocol: r.protocol,
      FromPort: r.fromPort ?? -1,
      ToPort: r.toPort ?? -1,
      CidrIpv4: r.cidrs[0],
      ReferencedGroupInfo: r.groups[0] ? { GroupId: r.groups[0].groupId, UserId: sim.state.accountId } : undefined,
    })),
  };
}

function revokeIngress(sim: SimCore, input: any) {
  const g = findGroup(sim, input.GroupId);
  const rules = flatten(sim, input.IpPermissions);
  for (const r of rules) {
    if (!g.ingress.some((x) => sameRule(x, r))) {
      throw sim.error('EC2', 'InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
    }
  }
  g.ingress = g.ingress.filter((x) => !rules.some((r) => sameRule(x, r)));
  return { Return: true };
}

function deleteSecurityGroup(sim: SimCore, input: any) {
  const g = input.GroupId
    ? findGroup(sim, input.GroupId)
    : Object.values(sim.state.securityGroups).find((x) => x.name === input.GroupName);
  if (!g) throw sim.error('EC2', 'InvalidGroup.NotFound', `The security group '${input.GroupName}' does not exist in default VPC '${sim.state.vpcId}'`);
  if (g.name === 'default') throw sim.error('EC2', 'CannotDelete', 'the specified group: "default" name cannot be deleted');
  const usedByInstance = Object.values(sim.state.instances).some((i) => i.state !== 'terminated' && i.sgIds.includes(g.id));
  const usedByMount = Object.values(sim.state.mountTargets).some((m) => m.securityGroups.includes(g.id));
  const usedByElb = Object.values(sim.state.loadBalancers).some((l) => l.securityGroups.includes(g.id));
  const referenced = Object.values(sim.state.securityGroups).some((o) => o.id !== g.id && o.ingress.some((p) => p.groups.some((x) => x.groupId === g.id)));
  if (usedByInstance || usedByMount || usedByElb || referenced) {
    throw sim.error('EC2', 'DependencyViolation', `resource ${g.id} has a dependent object`);
  }
  delete sim.state.securityGroups[g.id];
  return { Return: true, GroupId: g.id };
}

export const NETWORK_HANDLERS: HandlerMap = {
  DescribeSubnets: describeSubnets,
  DescribeSecurityGroups: describeSecurityGroups,
  CreateSecurityGroup: createSecurityGroup,
  AuthorizeSecurityGroupIngress: authorizeIngress,
  RevokeSecurityGroupIngress: revokeIngress,
  DeleteSecurityGroup: deleteSecurityGroup,
};
