/**
 * The AWS port one fleet's observe reads through during a resync: the describes a batch already
 * answered are served from the fleet's slice (batch-observe.ts), the rest go to AWS. Answers
 * that only change when the fleet's groups, load balancer or launch template change (scaling
 * policies, lifecycle hooks, launch template versions, and instance health while every instance
 * is InService, load balancer attributes) are remembered per fleet and served again while those
 * stay the same, for at most the memo's age (the ObservationCache spreads it per fleet).
 */
import type { AwsInput, AwsOutput, AwsPort } from '../../aws/port';
import { TAG_FLEET } from '../../model/names';
import type { FleetSlice } from './batch-observe';

/** Answers remembered for a fleet, valid while its groups/LB/LT fingerprint is unchanged. */
export interface FleetMemo {
  fingerprint: string;
  answers: Map<string, unknown>;
  /** When the answers were first remembered; they are read again once older than `maxAgeMs`. */
  sinceMs?: number;
  /** Per fleet (spread so that not every fleet re-reads in the same pass). */
  maxAgeMs?: number;
}

export function sliceFingerprint(s: FleetSlice): string {
  return JSON.stringify([s.groups, s.loadBalancer ?? null, s.launchTemplate ?? null]);
}

/** `memo` is read and refreshed in place; pass the fleet's memo from the ObservationCache. */
export function batchedPort(aws: AwsPort, s: FleetSlice, memo: FleetMemo): AwsPort {
  const fingerprint = sliceFingerprint(s);
  const stale = memo.sinceMs !== undefined && memo.maxAgeMs !== undefined && s.atMs - memo.sinceMs > memo.maxAgeMs;
  if (memo.fingerprint !== fingerprint || stale) {
    memo.fingerprint = fingerprint;
    memo.answers.clear();
    memo.sinceMs = s.atMs;
  }
  const remembered = <T>(key: string, fetch: () => Promise<T>, keep: (out: T) => boolean = () => true) => {
    if (memo.answers.has(key)) return Promise.resolve(memo.answers.get(key) as T);
    return fetch().then((out) => {
      if (keep(out)) memo.answers.set(key, out);
      return out;
    });
  };
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
      remembered(key('DescribePolicies', input), () => aws.autoScaling.DescribePolicies(input))) as AwsPort['autoScaling']['DescribePolicies'],
    DescribeLifecycleHooks: ((input: AwsInput<'AutoScaling', 'DescribeLifecycleHooks'>) =>
      remembered(key('DescribeLifecycleHooks', input), () => aws.autoScaling.DescribeLifecycleHooks(input))) as AwsPort['autoScaling']['DescribeLifecycleHooks'],
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
      remembered(key('DescribeLoadBalancerAttributes', input), () => aws.elb.DescribeLoadBalancerAttributes(input))) as AwsPort['elb']['DescribeLoadBalancerAttributes'],
    DescribeInstanceHealth: ((input: AwsInput<'ElasticLoadBalancing', 'DescribeInstanceHealth'>) =>
      remembered(
        key('DescribeInstanceHealth', input),
        () => aws.elb.DescribeInstanceHealth(input),
        // Only a load balancer whose instances all serve is steady enough to skip while nothing changes.
        (out: AwsOutput<'ElasticLoadBalancing', 'DescribeInstanceHealth'>) => allInService(s) && (out.InstanceStates ?? []).every((i) => i.State === 'InService'),
      )) as AwsPort['elb']['DescribeInstanceHealth'],
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
      remembered(key('DescribeLaunchTemplateVersions', input), () => aws.ec2.DescribeLaunchTemplateVersions(input))) as AwsPort['ec2']['DescribeLaunchTemplateVersions'],
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
  });
  return port;
}

function sameTypes(types: string[] | undefined): boolean {
  return types?.length === 1 && types[0] === 'MetricAlarm';
}

function allInService(s: FleetSlice): boolean {
  return s.groups.every((g) => (g.Instances ?? []).every((i) => i.LifecycleState === 'InService' && i.HealthStatus !== 'Unhealthy'));
}
