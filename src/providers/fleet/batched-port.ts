/**
 * The AWS port one fleet's observe reads through during a resync: the describes a batch already
 * answered are served from the fleet's slice (batch-observe.ts), the rest go to AWS. Answers
 * that only change when the fleet's groups, load balancer, launch template or file system change
 * are remembered per fleet and served again while those stay the same (the slice's fingerprint):
 *  - launch template versions: a version never changes once created, and the template's latest
 *    and default version numbers are in the fingerprint, so they are never read again by age;
 *  - instance health, only while every instance of the fleet's groups is InService and Healthy
 *    and each group checks ELB health (drover's do): the load balancer taking an instance out of
 *    service turns it Unhealthy in the group, which changes the fingerprint. Groups that are
 *    changing or unhealthy read it every time. Never read again by age either;
 *  - scaling policies, lifecycle hooks, load balancer attributes and mount targets, which can
 *    drift without the fingerprint changing: read again once older than the memo's age (30 to
 *    60 minutes, spread per fleet by the ObservationCache), or at once after an event or a write.
 */
import { createHash } from 'node:crypto';
import type { AwsInput, AwsOutput, AwsPort } from '../../aws/port';
import { MANAGED_BY, TAG_FLEET, TAG_MANAGED_BY } from '../../model/names';
import type { FleetSlice } from './batch-observe';

/** Answers remembered for a fleet, valid while its fingerprint is unchanged. */
export interface FleetMemo {
  fingerprint: string;
  /** Keyed by operation and input; `atMs` is when AWS gave the answer (slice time). */
  answers: Map<string, { out: unknown; atMs: number; ages: boolean }>;
  /** Per fleet (spread so that not every fleet re-reads in the same pass). */
  maxAgeMs?: number;
}

/** A digest, not the JSON itself: kept per fleet, the JSON was 4 KB a fleet (8 MB at 2,000 fleets). */
export function sliceFingerprint(s: FleetSlice): string {
  // A file system by id and state only: its size and the size's timestamp move on their own.
  const json = JSON.stringify([s.groups, s.loadBalancer ?? null, s.launchTemplate ?? null, s.fileSystems.map((f) => [f.FileSystemId, f.LifeCycleState, f.NumberOfMountTargets])]);
  return createHash('sha256').update(json).digest('base64');
}

/** `memo` is read and refreshed in place; pass the fleet's memo from the ObservationCache. */
export function batchedPort(aws: AwsPort, s: FleetSlice, memo: FleetMemo): AwsPort {
  const fingerprint = sliceFingerprint(s);
  if (memo.fingerprint !== fingerprint) {
    memo.fingerprint = fingerprint;
    memo.answers.clear();
  }
  /** `ages`: the answer can drift without the fingerprint changing, so it is read again after the memo's age. */
  const remembered = <T>(key: string, fetch: () => Promise<T>, o: { ages: boolean; keep?: (out: T) => boolean }) => {
    const hit = memo.answers.get(key);
    if (hit && !(hit.ages && memo.maxAgeMs !== undefined && s.atMs - hit.atMs > memo.maxAgeMs)) return Promise.resolve(hit.out as T);
    memo.answers.delete(key);
    return fetch().then((out) => {
      if (o.keep?.(out) ?? true) memo.answers.set(key, { out, atMs: s.atMs, ages: o.ages });
      return out;
    });
  };
  const DRIFTS = { ages: true };
  const IMMUTABLE = { ages: false };
  const key = (op: string, input: unknown) => `${op} ${JSON.stringify(input)}`;
  const port: AwsPort = Object.create(aws);
  const over = <K extends keyof AwsPort>(service: K, methods: Partial<AwsPort[K]>) =>
    Object.defineProperty(port, service, { value: Object.freeze({ ...(aws[service] as object), ...methods }), enumerable: true });

  over('autoScaling', {
    DescribeAutoScalingGroups: ((input: AwsInput<'AutoScaling', 'DescribeAutoScalingGroups'>) => {
      const f = input?.Filters;
      const mine = !input?.NextToken && !input?.AutoScalingGroupNames?.length && f?.length === 1 && f[0].Name === `tag:${TAG_FLEET}` && f[0].Values?.length === 1 && f[0].Values[0] === s.fleet;
      return mine ? Promise.resolve({ AutoScalingGroups: s.groups, $metadata: {} }) : aws.autoScaling.DescribeAutoScalingGroups(input);
    }) as AwsPort['autoScaling']['DescribeAutoScalingGroups'],
    DescribePolicies: ((input: AwsInput<'AutoScaling', 'DescribePolicies'>) =>
      remembered(key('DescribePolicies', input), () => aws.autoScaling.DescribePolicies(input), DRIFTS)) as AwsPort['autoScaling']['DescribePolicies'],
    DescribeLifecycleHooks: ((input: AwsInput<'AutoScaling', 'DescribeLifecycleHooks'>) =>
      remembered(key('DescribeLifecycleHooks', input), () => aws.autoScaling.DescribeLifecycleHooks(input), DRIFTS)) as AwsPort['autoScaling']['DescribeLifecycleHooks'],
  });
  over('elb', {
    DescribeLoadBalancers: ((input: AwsInput<'ElasticLoadBalancing', 'DescribeLoadBalancers'>) => {
      const names = input?.LoadBalancerNames ?? [];
      const mine = s.loadBalancer && !input?.Marker && names.length === 1 && names[0] === s.loadBalancer.LoadBalancerName;
      return mine ? Promise.resolve({ LoadBalancerDescriptions: [s.loadBalancer!], $metadata: {} }) : aws.elb.DescribeLoadBalancers(input);
    }) as AwsPort['elb']['DescribeLoadBalancers'],
    DescribeTags: ((input: AwsInput<'ElasticLoadBalancing', 'DescribeTags'>) => {
      const names = input?.LoadBalancerNames ?? [];
      const mine = s.loadBalancerTags && names.length === 1 && names[0] === s.loadBalancer?.LoadBalancerName;
      return mine ? Promise.resolve({ TagDescriptions: [{ LoadBalancerName: names[0], Tags: s.loadBalancerTags }], $metadata: {} }) : aws.elb.DescribeTags(input);
    }) as AwsPort['elb']['DescribeTags'],
    // Drift of the attributes (draining, cross-zone) is seen within the memo's age, or at once after an event or a write.
    DescribeLoadBalancerAttributes: ((input: AwsInput<'ElasticLoadBalancing', 'DescribeLoadBalancerAttributes'>) =>
      remembered(key('DescribeLoadBalancerAttributes', input), () => aws.elb.DescribeLoadBalancerAttributes(input), DRIFTS)) as AwsPort['elb']['DescribeLoadBalancerAttributes'],
    DescribeInstanceHealth: ((input: AwsInput<'ElasticLoadBalancing', 'DescribeInstanceHealth'>) =>
      remembered(key('DescribeInstanceHealth', input), () => aws.elb.DescribeInstanceHealth(input), {
        ages: false,
        // Only a load balancer whose instances all serve, in groups that check ELB health, is steady enough to skip while nothing changes.
        keep: (out: AwsOutput<'ElasticLoadBalancing', 'DescribeInstanceHealth'>) => allInService(s) && (out.InstanceStates ?? []).every((i) => i.State === 'InService'),
      })) as AwsPort['elb']['DescribeInstanceHealth'],
  });
  over('cloudWatch', {
    DescribeAlarms: ((input: AwsInput<'CloudWatch', 'DescribeAlarms'>) => {
      const mine = !input?.NextToken && !input?.AlarmNames?.length && input?.AlarmNamePrefix === s.alarmPrefix && sameTypes(input.AlarmTypes) && !input.StateValue && !input.ActionPrefix;
      return mine ? Promise.resolve({ MetricAlarms: s.alarms, $metadata: {} }) : aws.cloudWatch.DescribeAlarms(input);
    }) as AwsPort['cloudWatch']['DescribeAlarms'],
  });
  over('ec2', {
    DescribeLaunchTemplates: ((input: AwsInput<'EC2', 'DescribeLaunchTemplates'>) => {
      const names = input?.LaunchTemplateNames ?? [];
      const mine = s.launchTemplate && !input?.Filters && !input?.LaunchTemplateIds && !input?.NextToken && names.length === 1 && names[0] === s.launchTemplate.LaunchTemplateName;
      return mine ? Promise.resolve({ LaunchTemplates: [s.launchTemplate!], $metadata: {} }) : aws.ec2.DescribeLaunchTemplates(input);
    }) as AwsPort['ec2']['DescribeLaunchTemplates'],
    DescribeLaunchTemplateVersions: ((input: AwsInput<'EC2', 'DescribeLaunchTemplateVersions'>) =>
      remembered(key('DescribeLaunchTemplateVersions', input), () => aws.ec2.DescribeLaunchTemplateVersions(input), IMMUTABLE)) as AwsPort['ec2']['DescribeLaunchTemplateVersions'],
    DescribeImages: ((input: AwsInput<'EC2', 'DescribeImages'>) => {
      const f = input?.Filters ?? [];
      const fleetTag = f.find((x) => x.Name === `tag:${TAG_FLEET}`);
      const owned = f.find((x) => x.Name === `tag:${TAG_MANAGED_BY}`);
      const mine =
        s.images && !input?.NextToken && !input?.ImageIds?.length && input?.Owners?.length === 1 && input.Owners[0] === 'self' && f.length === 2 &&
        fleetTag?.Values?.length === 1 && fleetTag.Values[0] === s.fleet && owned?.Values?.length === 1 && owned.Values[0] === MANAGED_BY;
      return mine ? Promise.resolve({ Images: s.images, $metadata: {} }) : aws.ec2.DescribeImages(input);
    }) as AwsPort['ec2']['DescribeImages'],
    DescribeSecurityGroups: ((input: AwsInput<'EC2', 'DescribeSecurityGroups'>) => {
      const f = input?.Filters;
      const name = f?.length === 1 && f[0].Name === 'group-name' && f[0].Values?.length === 1 ? f[0].Values[0] : undefined;
      const mine = name === s.securityGroupName && !input?.NextToken && !input?.GroupIds && !input?.GroupNames;
      return mine ? Promise.resolve({ SecurityGroups: s.securityGroups, $metadata: {} }) : aws.ec2.DescribeSecurityGroups(input);
    }) as AwsPort['ec2']['DescribeSecurityGroups'],
  });
  over('efs', {
    DescribeFileSystems: ((input: AwsInput<'EFS', 'DescribeFileSystems'>) => {
      const mine = input?.CreationToken === s.creationToken && !input.FileSystemId && !input.Marker;
      return mine ? Promise.resolve({ FileSystems: s.fileSystems, $metadata: {} }) : aws.efs.DescribeFileSystems(input);
    }) as AwsPort['efs']['DescribeFileSystems'],
    // Only for the fleet's own file system (in the fingerprint), and only while every mount target is available.
    DescribeMountTargets: ((input: AwsInput<'EFS', 'DescribeMountTargets'>) =>
      s.fileSystems.some((f) => f.FileSystemId === input?.FileSystemId) && !input?.Marker
        ? remembered(key('DescribeMountTargets', input), () => aws.efs.DescribeMountTargets(input), {
            ages: true,
            keep: (out: AwsOutput<'EFS', 'DescribeMountTargets'>) => !out.NextMarker && (out.MountTargets ?? []).every((m) => m.LifeCycleState === 'available'),
          })
        : aws.efs.DescribeMountTargets(input)) as AwsPort['efs']['DescribeMountTargets'],
  });
  return port;
}

function sameTypes(types: string[] | undefined): boolean {
  return types?.length === 1 && types[0] === 'MetricAlarm';
}

function allInService(s: FleetSlice): boolean {
  return s.groups.every((g) => g.HealthCheckType === 'ELB' && (g.Instances ?? []).every((i) => i.LifecycleState === 'InService' && i.HealthStatus !== 'Unhealthy'));
}
