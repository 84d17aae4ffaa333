/**
 * Observe many fleets with few calls (issue 14, item 1): one batch of describes answers the
 * per-fleet describes of a chunk of fleets. Each batched query is a superset of every per-fleet
 * query it stands for, so the per-fleet answer cut from it is the one AWS would have given:
 *
 * - Auto Scaling groups: `tag:drover:fleet` with the chunk's fleet names as values, pages of 100;
 * - Classic ELBs: DescribeLoadBalancers with up to 20 names per call (a missing name fails the
 *   whole call, so that chunk of names is left to the per-fleet path) and DescribeTags, 20 names
 *   per call, only for load balancers whose ownership tags are not cached yet;
 * - alarms: one listing by the longest common prefix of the fleets' alarm prefixes, pages of 100;
 * - launch templates and security groups by name filter (EC2 takes up to 200 values per filter);
 * - file systems: listed, pages of 100 (EFS has no filter);
 * - baked images (fleets that bake): DescribeImages, owners self, by ownership tags with up to 200
 *   fleet names per filter.
 *
 * Limits checked against the API references: DescribeAutoScalingGroups MaxRecords ≤ 100,
 * DescribeLoadBalancers PageSize ≤ 400 (names unlimited), ELB DescribeTags ≤ 20 names,
 * DescribeAlarms MaxRecords ≤ 100 and AlarmNames ≤ 100, EFS DescribeFileSystems MaxItems ≤ 100.
 */
import { awsCall, type CallContext } from '../../aws/call';
import { isNotFound } from '../../aws/errors';
import { paginate } from '../../aws/paginate';
import type { AwsPort } from '../../aws/port';
import type { AutoScalingGroup, FileSystemDescription, Image, LaunchTemplate, LoadBalancerDescription, MetricAlarm, SecurityGroup, SdkTag } from '../../aws/types';
import type { DesiredFleet } from '../../model/fleet';
import { MANAGED_BY, resourceNames, TAG_FLEET, TAG_MANAGED_BY } from '../../model/names';

export const BATCH_LIMITS = { groupsPage: 100, groupFilterValues: 100, lbNames: 20, lbTagNames: 20, alarmsPage: 100, ec2FilterValues: 200, efsPage: 100 } as const;

/** What one fleet's describes answer, cut from a batch. Absent fields are read per fleet. */
export interface FleetSlice {
  fleet: string;
  atMs: number;
  groups: AutoScalingGroup[];
  /** The fleet's load balancer by name, when the batch found it. */
  loadBalancer?: LoadBalancerDescription;
  loadBalancerTags?: SdkTag[];
  /** Every alarm whose name starts with the fleet's alarm prefix. */
  alarms: MetricAlarm[];
  alarmPrefix: string;
  launchTemplate?: LaunchTemplate;
  /** Every security group named `securityGroupName` (the batch filtered by name, so none is a fact). */
  securityGroups: SecurityGroup[];
  securityGroupName: string;
  /** Every file system with the fleet's creation token (the batch listed them all). */
  fileSystems: FileSystemDescription[];
  creationToken: string;
  /** The fleet's baked images (by ownership tags), when it bakes. */
  images?: Image[];
}

export interface BatchOptions extends CallContext {
  nowMs: () => number;
  /** ELB ownership tags already known (OwnershipCache keys `elb:<name>:<created>`). */
  knownTags?: (key: string) => boolean;
}

/** Read one chunk of fleets' worth of describes; every fleet gets a slice. */
export async function readBatch(aws: AwsPort, fleets: DesiredFleet[], o: BatchOptions): Promise<Map<string, FleetSlice>> {
  const names = fleets.map((f) => f.name);
  const [groups, lbs, alarms, templates, sgs, fileSystems] = await Promise.all([
    batchGroups(aws, names, o),
    batchLoadBalancers(aws, fleets.map((f) => f.loadBalancer.name), o),
    batchAlarms(aws, commonPrefix(names.map((n) => resourceNames(n).alarmPrefix)), o),
    batchByName(o, 'launch templates', 'launch-template-name', names.map((n) => resourceNames(n).launchTemplate), (Filters, NextToken) =>
      aws.ec2.DescribeLaunchTemplates({ Filters, MaxResults: 200, NextToken }).then((p) => ({ items: p.LaunchTemplates, NextToken: p.NextToken })),
    ),
    batchByName(o, 'security groups', 'group-name', names.map((n) => resourceNames(n).efsSecurityGroup), (Filters, NextToken) =>
      aws.ec2.DescribeSecurityGroups({ Filters, MaxResults: 1000, NextToken }).then((p) => ({ items: p.SecurityGroups, NextToken: p.NextToken })),
    ),
    batchFileSystems(aws, o),
  ]);
  const baking = fleets.filter((f) => f.image.bake).map((f) => f.name);
  const images = baking.length
    ? await batchByName(o, 'baked images', `tag:${TAG_FLEET}`, baking, (Filters, NextToken) =>
        aws.ec2.DescribeImages({ Owners: ['self'], Filters: [...Filters, { Name: `tag:${TAG_MANAGED_BY}`, Values: [MANAGED_BY] }], NextToken }).then((p) => ({ items: p.Images, NextToken: p.NextToken })),
      )
    : [];
  const atMs = o.nowMs();
  const slices = new Map<string, FleetSlice>();
  for (const f of fleets) {
    const rn = resourceNames(f.name);
    const lb = lbs.descriptions.get(f.loadBalancer.name);
    slices.set(f.name, {
      fleet: f.name,
      atMs,
      groups: groups.filter((g) => (g.Tags ?? []).some((t) => t.Key === TAG_FLEET && t.Value === f.name)),
      ...(lb ? { loadBalancer: lb } : {}),
      ...(lb && lbs.tags.has(f.loadBalancer.name) ? { loadBalancerTags: lbs.tags.get(f.loadBalancer.name) } : {}),
      alarms: alarms.filter((a) => (a.AlarmName ?? '').startsWith(rn.alarmPrefix)),
      alarmPrefix: rn.alarmPrefix,
      ...(templates.find((t) => t.LaunchTemplateName === rn.launchTemplate) ? { launchTemplate: templates.find((t) => t.LaunchTemplateName === rn.launchTemplate) } : {}),
      securityGroups: sgs.filter((g) => g.GroupName === rn.efsSecurityGroup),
      securityGroupName: rn.efsSecurityGroup,
      fileSystems: fileSystems.filter((fs) => fs.CreationToken === rn.efsCreationToken),
      creationToken: rn.efsCreationToken,
      ...(f.image.bake ? { images: images.filter((i) => (i.Tags ?? []).some((t) => t.Key === TAG_FLEET && t.Value === f.name)) } : {}),
    });
  }
  return slices;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function commonPrefix(values: string[]): string {
  if (!values.length) return '';
  let p = values[0];
  for (const v of values) while (!v.startsWith(p)) p = p.slice(0, -1);
  return p;
}

async function batchGroups(aws: AwsPort, fleets: string[], o: BatchOptions): Promise<AutoScalingGroup[]> {
  const all: AutoScalingGroup[] = [];
  for (const values of chunks(fleets, BATCH_LIMITS.groupFilterValues)) {
    const Filters = [{ Name: `tag:${TAG_FLEET}`, Values: values }];
    all.push(
      ...(await paginate(
        (NextToken) => awsCall(o, `describing auto scaling groups of ${values.length} fleets`, () => aws.autoScaling.DescribeAutoScalingGroups({ Filters, MaxRecords: BATCH_LIMITS.groupsPage, NextToken })),
        (page) => page.AutoScalingGroups,
      )),
    );
  }
  return all;
}

async function batchLoadBalancers(aws: AwsPort, names: string[], o: BatchOptions): Promise<{ descriptions: Map<string, LoadBalancerDescription>; tags: Map<string, SdkTag[]> }> {
  const descriptions = new Map<string, LoadBalancerDescription>();
  for (const chunk of chunks([...new Set(names)], BATCH_LIMITS.lbNames)) {
    try {
      let Marker: string | undefined;
      do {
        const out = await awsCall(o, `describing ${chunk.length} load balancers`, () => aws.elb.DescribeLoadBalancers({ LoadBalancerNames: chunk, PageSize: 400, Marker }));
        for (const d of out.LoadBalancerDescriptions ?? []) if (d.LoadBalancerName) descriptions.set(d.LoadBalancerName, d);
        Marker = out.NextMarker || undefined;
      } while (Marker);
    } catch (err) {
      // One missing name fails the call: those fleets read their load balancer one by one.
      if (!isNotFound(err)) throw err;
    }
  }
  const tags = new Map<string, SdkTag[]>();
  const unknown = [...descriptions.values()].filter((d) => !o.knownTags?.(loadBalancerTagKey(d))).map((d) => d.LoadBalancerName!);
  for (const chunk of chunks(unknown, BATCH_LIMITS.lbTagNames)) {
    const out = await awsCall(o, `describing tags of ${chunk.length} load balancers`, () => aws.elb.DescribeTags({ LoadBalancerNames: chunk }));
    for (const d of out.TagDescriptions ?? []) if (d.LoadBalancerName) tags.set(d.LoadBalancerName, d.Tags ?? []);
  }
  return { descriptions, tags };
}

/** The OwnershipCache key of a load balancer's tags (loadbalancer/observe.ts keys them the same way). */
export function loadBalancerTagKey(lb: LoadBalancerDescription): string {
  return `elb:${lb.LoadBalancerName ?? ''}:${lb.CreatedTime ? new Date(lb.CreatedTime).toISOString() : ''}`;
}

async function batchAlarms(aws: AwsPort, prefix: string, o: BatchOptions): Promise<MetricAlarm[]> {
  return paginate(
    (NextToken) =>
      awsCall(o, `describing alarms named ${prefix}*`, () =>
        aws.cloudWatch.DescribeAlarms({ ...(prefix ? { AlarmNamePrefix: prefix } : {}), AlarmTypes: ['MetricAlarm'], MaxRecords: BATCH_LIMITS.alarmsPage, NextToken }),
      ),
    (page) => page.MetricAlarms,
  );
}

type Filter = { Name: string; Values: string[] };

async function batchByName<T>(
  o: BatchOptions,
  what: string,
  filterName: string,
  names: string[],
  page: (filters: Filter[], token: string | undefined) => Promise<{ items?: T[]; NextToken?: string }>,
): Promise<T[]> {
  const all: T[] = [];
  for (const values of chunks(names, BATCH_LIMITS.ec2FilterValues)) {
    const Filters = [{ Name: filterName, Values: values }];
    all.push(...(await paginate((NextToken) => awsCall(o, `describing ${values.length} ${what}`, () => page(Filters, NextToken)), (p) => p.items)));
  }
  return all;
}

async function batchFileSystems(aws: AwsPort, o: BatchOptions): Promise<FileSystemDescription[]> {
  const all: FileSystemDescription[] = [];
  let Marker: string | undefined;
  do {
    const out = await awsCall(o, 'listing file systems', () => aws.efs.DescribeFileSystems({ MaxItems: BATCH_LIMITS.efsPage, Marker }));
    all.push(...(out.FileSystems ?? []));
    Marker = out.NextMarker;
  } while (Marker);
  return all;
}
