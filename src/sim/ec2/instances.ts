/** EC2 instances: RunInstances, DescribeInstances, TerminateInstances, CreateTags, GetConsoleOutput. */
import { SimCore, tagList } from '../core';
import { HandlerMap } from '../handler';
import { buildTagIndex, pickInOrder, tagCandidates } from '../indexes';
import { paginate } from '../paginate';
import { InstanceRec, InstanceState } from '../state';
import { matchesFilters, tagFilterValues, tagsFromSpecs } from './filters';
import { findTemplate, findVersion } from './launch-templates';
import { LaunchSpec, launchInstance, validateLaunch } from './launch';

export const STATE_CODES: Record<InstanceState, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export function instanceOut(sim: SimCore, i: InstanceRec, index = 0) {
  const ipName = `ip-${i.privateIp.replace(/\./g, '-')}.${sim.state.region}.compute.internal`;
  const live = i.state !== 'terminated';
  return {
    InstanceId: i.id,
    ImageId: i.imageId,
    InstanceType: i.instanceType,
    KeyName: i.keyName,
    LaunchTime: sim.date(i.launchedAt),
    AmiLaunchIndex: index,
    Placement: { AvailabilityZone: i.az, Tenancy: 'default', GroupName: '' },
    PrivateIpAddress: live ? i.privateIp : undefined,
    PrivateDnsName: live ? ipName : '',
    SubnetId: live ? i.subnetId : undefined,
    VpcId: live ? sim.state.vpcId : undefined,
    State: { Code: STATE_CODES[i.state], Name: i.state },
    StateTransitionReason: i.transitionReason,
    StateReason: i.stateReason ? { Code: i.stateReason.code, Message: i.stateReason.message } : undefined,
    SecurityGroups: live ? i.sgIds.map((id) => ({ GroupId: id, GroupName: sim.state.securityGroups[id]?.name })) : [],
    Tags: tagList(i.tags),
    Architecture: 'x86_64',
    RootDeviceType: 'ebs',
    RootDeviceName: '/dev/xvda',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EbsOptimized: false,
    Monitoring: { State: 'disabled' },
  };
}

function specFromInput(sim: SimCore, input: any, reservationId: string): LaunchSpec {
  let data: any = {};
  let launchTemplate: LaunchSpec['launchTemplate'];
  if (input.LaunchTemplate) {
    const lt = findTemplate(sim, input.LaunchTemplate);
    const v = findVersion(sim, lt, input.LaunchTemplate.Version);
    data = v.data;
    launchTemplate = { id: lt.id, name: lt.name, version: String(v.number) };
  }
  const nic = input.NetworkInterfaces?.[0] ?? data.NetworkInterfaces?.[0];
  return {
    imageId: input.ImageId ?? data.ImageId,
    instanceType: input.InstanceType ?? data.InstanceType,
    subnetId: input.SubnetId ?? nic?.SubnetId,
    sgIds: input.SecurityGroupIds ?? nic?.Groups ?? data.SecurityGroupIds,
    keyName: input.KeyName ?? data.KeyName,
    userData: input.UserData ?? data.UserData,
    tags: { ...tagsFromSpecs(data.TagSpecifications, 'instance'), ...tagsFromSpecs(input.TagSpecifications, 'instance') },
    launchTemplate,
    reservationId,
    shutdownBehavior: input.InstanceInitiatedShutdownBehavior ?? data.InstanceInitiatedShutdownBehavior,
  };
}

function reservationOut(sim: SimCore, reservationId: string, instances: InstanceRec[]) {
  return {
    ReservationId: reservationId,
    OwnerId: sim.state.accountId,
    Groups: [],
    Instances: instances.map((i, n) => instanceOut(sim, i, n)),
  };
}

function runInstances(sim: SimCore, input: any) {
  const min = Number(input.MinCount ?? 1);
  const max = Number(input.MaxCount ?? min);
  if (!(min >= 1 && max >= min)) throw sim.error('EC2', 'InvalidParameterValue', `Invalid value '${min}' for minCount. Must be between 1 and maxCount`);
  const { ClientToken, ...rest } = input;
  const hash = JSON.stringify(rest);
  if (ClientToken && sim.state.clientTokens[ClientToken]) {
    const prior = sim.state.clientTokens[ClientToken];
    if (prior.hash !== hash) throw sim.error('EC2', 'IdempotentParameterMismatch', 'The client token you have provided is associated with a resource that is already deleted or has different parameters.');
    return reservationOut(sim, prior.reservationId, prior.instanceIds.map((id) => sim.state.instances[id]).filter(Boolean));
  }
  const reservationId = sim.id('r');
  const spec = specFromInput(sim, input, reservationId);
  validateLaunch(sim, spec);
  const launched = Array.from({ length: max }, () => launchInstance(sim, spec));
  if (ClientToken) sim.state.clientTokens[ClientToken] = { reservationId, instanceIds: launched.map((i) => i.id), hash };
  return reservationOut(sim, reservationId, launched);
}

export function findInstances(sim: SimCore, ids: string[]): InstanceRec[] {
  const missing = ids.filter((id) => !visible(sim, sim.state.instances[id]));
  if (missing.length === 1) throw sim.error('EC2', 'InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
  if (missing.length > 1) throw sim.error('EC2', 'InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
  return ids.map((id) => sim.state.instances[id]);
}

function visible(sim: SimCore, i: InstanceRec | undefined): i is InstanceRec {
  return !!i && (i.goneAt === undefined || i.goneAt > sim.now());
}

function instanceFilterValues(i: InstanceRec, name: string): Array<string | undefined> | undefined {
  const direct: Record<string, Array<string | undefined>> = {
    'instance-state-name': [i.state],
    'instance-state-code': [String(i.state === 'pending' ? 0 : STATE_CODES[i.state])],
    'instance-id': [i.id],
    'image-id': [i.imageId],
    'instance-type': [i.instanceType],
    'subnet-id': [i.subnetId],
    'availability-zone': [i.az],
    'reservation-id': [i.reservationId],
    'private-ip-address': [i.privateIp],
    'instance.group-id': i.sgIds,
    'key-name': [i.keyName],
  };
  return direct[name] ?? tagFilterValues(i.tags, name);
}

const INSTANCE_FILTERS = new Set(['instance-state-name', 'instance-state-code', 'instance-id', 'image-id', 'instance-type', 'subnet-id', 'availability-zone', 'reservation-id', 'private-ip-address', 'instance.group-id', 'key-name', 'tag-key', 'tag-value']);

/**
 * The instances a `tag:` (tag index) or `instance-id` filter can match, in state order; undefined
 * (scan everything) without one, with wildcards, or with a filter name the scan would reject.
 */
function taggedInstances(sim: SimCore, filters: Array<{ Name?: string; Values?: string[] }> | undefined): InstanceRec[] | undefined {
  if (!filters?.every((f) => f.Name?.startsWith('tag:') || INSTANCE_FILTERS.has(f.Name ?? ''))) return undefined;
  const byId = filters.find((f) => f.Name === 'instance-id');
  if (byId && !byId.Values?.some((v) => /[*?]/.test(v))) {
    // By id (a batch of launch times): pick, in the state's order, instead of scanning every instance.
    const rank = sim.indexes.get(sim.state, 'instances.rank', (s) => new Map(Object.keys(s.instances).map((k, n) => [k, n])));
    return pickInOrder(sim.state.instances, byId.Values ?? [], () => rank);
  }
  const tag = filters.find((f) => f.Name?.startsWith('tag:'));
  if (!tag) return undefined;
  const index = sim.indexes.get(sim.state, 'instances.tags', (s) => buildTagIndex(Object.values(s.instances), (i) => Object.entries(i.tags)));
  return tagCandidates(index, tag.Name!.slice(4), tag.Values ?? [])?.filter((i) => sim.state.instances[i.id] === i);
}

function describeInstances(sim: SimCore, input: any) {
  const ids: string[] | undefined = input.InstanceIds?.length ? input.InstanceIds : undefined;
  if (ids && input.MaxResults !== undefined) {
    throw sim.error('EC2', 'InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  }
  if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
    throw sim.error('EC2', 'InvalidParameterValue', `Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  }
  const pool = ids ? findInstances(sim, ids) : (taggedInstances(sim, input.Filters) ?? Object.values(sim.state.instances)).filter((i) => visible(sim, i));
  const matched = pool.filter((i) => matchesFilters(sim, input.Filters, (n) => instanceFilterValues(i, n)));
  const page = paginate(sim, 'EC2', matched, input.NextToken, ids ? matched.length || 1 : input.MaxResults);
  const reservations: Array<{ id: string; instances: InstanceRec[] }> = [];
  for (const i of page.items) {
    const last = reservations[reservations.length - 1];
    if (last?.id === i.reservationId) last.instances.push(i);
    else reservations.push({ id: i.reservationId, instances: [i] });
  }
  return { Reservations: reservations.map((r) => reservationOut(sim, r.id, r.instances)), NextToken: page.next };
}

/** Begin shutting down an instance (idempotent for already-terminated instances). */
export function beginTerminate(sim: SimCore, i: InstanceRec, reason: string): void {
  if (i.state === 'terminated' || i.state === 'shutting-down') return;
  i.state = 'shutting-down';
  i.stateUntil = sim.now() + sim.timings.terminateMs;
  i.transitionReason = `${reason} (${sim.iso().replace('T', ' ').replace('Z', ' GMT')})`;
  i.stateReason = { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' };
}

function terminateInstances(sim: SimCore, input: any) {
  const instances = findInstances(sim, input.InstanceIds ?? []);
  return {
    TerminatingInstances: instances.map((i) => {
      const previous = i.state;
      beginTerminate(sim, i, 'User initiated');
      return { InstanceId: i.id, PreviousState: { Code: STATE_CODES[previous], Name: previous }, CurrentState: { Code: STATE_CODES[i.state], Name: i.state } };
    }),
  };
}

function createTags(sim: SimCore, input: any) {
  const s = sim.state;
  for (const id of (input.Resources ?? []) as string[]) {
    const target =
      s.instances[id]?.tags ?? s.images[id]?.tags ?? s.securityGroups[id]?.tags ?? s.launchTemplates[id]?.tags ?? s.subnets.find((x) => x.id === id)?.tags;
    if (!target) {
      const prefix = id.split('-')[0];
      const code = prefix === 'i' ? 'InvalidInstanceID.NotFound' : prefix === 'ami' ? 'InvalidAMIID.NotFound' : prefix === 'sg' ? 'InvalidGroup.NotFound' : 'InvalidID';
      throw sim.error('EC2', code, `The ID '${id}' is not valid`);
    }
    for (const t of input.Tags ?? []) target[t.Key] = t.Value ?? '';
  }
  return {};
}

function getConsoleOutput(sim: SimCore, input: any) {
  const [i] = findInstances(sim, [input.InstanceId]);
  return {
    InstanceId: i.id,
    Timestamp: sim.date(),
    Output: i.console ? Buffer.from(i.console, 'utf8').toString('base64') : undefined,
  };
}

export const INSTANCE_HANDLERS: HandlerMap = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  TerminateInstances: terminateInstances,
  CreateTags: createTags,
  GetConsoleOutput: getConsoleOutput,
};
