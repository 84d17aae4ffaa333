/**
 * `npm run bench -- sim-scale`: the simulated account's own CPU as the fleet count grows
 * (issue 14, item 5). For N fleets it builds N fleets' worth of resources (a load balancer with
 * its health check, a launch template, a group of 2 instances behind it, a scaling policy, two
 * alarms), lets them come InService, then issues a fixed, seeded mix of describe calls against
 * random fleets (by name, by tag filter, per-instance health) and moves the clock a few virtual
 * minutes. It reports process CPU ms per call and per fleet-minute of clock, and the ratios
 * between sizes: about 1 where the sim scales.
 *
 * Calls go straight to SimAccount.dispatch, so SDK serialisation does not hide the sim's cost.
 *
 * Describes are served from lookup indexes (sim/indexes.ts) and stay flat. Mutating calls and
 * clock steps still tick every entity (lifecycle/tick.ts settles the whole account), so their
 * cost, and the build, still grow with N: the next step is a due-time queue per entity.
 */
import { SimAccount } from '../sim';
import { Prng } from '../sim/prng';

export interface SimScaleRow {
  fleets: number;
  groups: number;
  instances: number;
  loadBalancers: number;
  alarms: number;
  launchTemplates: number;
  /** CPU spent creating everything, per fleet (6 mutating calls each, plus the boot). */
  buildCpuMsPerFleet: number;
  describeCalls: number;
  cpuMsPerDescribeCall: number;
  /** Lifecycle steps taken while the clock moved `clockMinutes` virtual minutes. */
  clockSteps: number;
  clockMinutes: number;
  cpuMsPerFleetMinute: number;
  /** A few mutating calls (SetDesiredCapacity up and down) on random fleets. */
  mutatingCalls: number;
  cpuMsPerMutatingCall: number;
}

export interface SimScaleResult {
  sizes: number[];
  rows: SimScaleRow[];
  /** Per-call CPU at the largest size over the smallest (1 = constant in the fleet count). */
  describeRatio: number;
  mutatingRatio: number;
  /** Clock CPU per fleet-minute, largest over smallest (1 = linear in the fleet count overall). */
  clockPerFleetRatio: number;
}

const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];
const AMI = 'ami-0a1b2c3d4e5f60001';
const DESCRIBES_PER_SIZE = 400;
const MUTATING_PER_SIZE = 40;
const CLOCK_MINUTES = 5;
const STAGGER_MS = 1_000;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const fleetName = (i: number) => `fleet-${String(i).padStart(5, '0')}`;

async function buildFleet(sim: SimAccount, i: number): Promise<void> {
  const name = fleetName(i);
  const d = (service: string, op: string, input: unknown) => sim.dispatch(service, op, input);
  await d('ElasticLoadBalancing', 'CreateLoadBalancer', { LoadBalancerName: name, Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 }], Subnets: SUBNETS, Tags: [{ Key: 'drover:fleet', Value: name }] });
  await d('ElasticLoadBalancing', 'ConfigureHealthCheck', { LoadBalancerName: name, HealthCheck: { Target: 'HTTP:80/health', Interval: 30, Timeout: 5, HealthyThreshold: 2, UnhealthyThreshold: 2 } });
  const lt = await d('EC2', 'CreateLaunchTemplate', {
    LaunchTemplateName: `lt-${name}`,
    LaunchTemplateData: { ImageId: AMI, InstanceType: 't3.medium' },
    TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'drover:fleet', Value: name }] }],
  });
  await d('AutoScaling', 'CreateAutoScalingGroup', {
    AutoScalingGroupName: `${name}-v001`,
    LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: '$Latest' },
    MinSize: 1,
    MaxSize: 4,
    DesiredCapacity: 2,
    VPCZoneIdentifier: SUBNETS.join(','),
    LoadBalancerNames: [name],
    HealthCheckType: 'ELB',
    HealthCheckGracePeriod: 60,
    Tags: [{ Key: 'drover:fleet', Value: name, PropagateAtLaunch: true }],
  });
  const { PolicyARN } = await d('AutoScaling', 'PutScalingPolicy', { AutoScalingGroupName: `${name}-v001`, PolicyName: `${name}-out`, AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1 });
  for (const [suffix, threshold, op] of [['high', 80, 'GreaterThanThreshold'], ['low', 5, 'LessThanThreshold']] as const) {
    await d('CloudWatch', 'PutMetricAlarm', {
      AlarmName: `${name}-cpu-${suffix}`,
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      Statistic: 'Average',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: `${name}-v001` }],
      Period: 300,
      EvaluationPeriods: 2,
      Threshold: threshold,
      ComparisonOperator: op,
      AlarmActions: suffix === 'high' ? [PolicyARN] : [],
    });
  }
}

/** The fixed describe mix a reconcile of fleet `i` makes, as (service, operation, input). */
function describeMix(i: number): Array<[string, string, unknown]> {
  const name = fleetName(i);
  const tag = { Name: 'tag:drover:fleet', Values: [name] };
  return [
    ['AutoScaling', 'DescribeAutoScalingGroups', { AutoScalingGroupNames: [`${name}-v001`] }],
    ['AutoScaling', 'DescribeAutoScalingGroups', { Filters: [tag], MaxRecords: 100 }],
    ['ElasticLoadBalancing', 'DescribeLoadBalancers', { LoadBalancerNames: [name] }],
    ['ElasticLoadBalancing', 'DescribeInstanceHealth', { LoadBalancerName: name }],
    ['ElasticLoadBalancing', 'DescribeLoadBalancerAttributes', { LoadBalancerName: name }],
    ['CloudWatch', 'DescribeAlarms', { AlarmNames: [`${name}-cpu-high`, `${name}-cpu-low`] }],
    ['EC2', 'DescribeLaunchTemplates', { LaunchTemplateNames: [`lt-${name}`] }],
    ['EC2', 'DescribeLaunchTemplateVersions', { LaunchTemplateName: `lt-${name}`, Versions: ['$Latest'] }],
    ['EC2', 'DescribeInstances', { Filters: [tag, { Name: 'instance-state-name', Values: ['pending', 'running'] }], MaxResults: 1000 }],
    ['AutoScaling', 'DescribePolicies', { AutoScalingGroupName: `${name}-v001` }],
    ['AutoScaling', 'DescribeLifecycleHooks', { AutoScalingGroupName: `${name}-v001` }],
  ];
}

export async function measureSimScale(fleets: number, seed = 1, describes = DESCRIBES_PER_SIZE): Promise<SimScaleRow> {
  const sim = new SimAccount({ seed });
  const rng = new Prng(seed);
  const t0 = cpuMs();
  for (let i = 0; i < fleets; i++) {
    await buildFleet(sim, i);
    sim.advance(STAGGER_MS); // fleets made at different times: health checks fall at different instants
  }
  sim.advance(3 * 60_000); // boot, register, pass health checks
  const buildCpuMsPerFleet = (cpuMs() - t0) / fleets;
  const state = sim.snapshot();
  const inService = Object.values(state.loadBalancers).reduce((n, lb) => n + Object.values(lb.instances).filter((r) => r.state === 'InService').length, 0);
  if (inService !== 2 * fleets) throw new Error(`sim-scale: expected ${2 * fleets} instances InService, got ${inService}`);

  let describeCalls = 0;
  const t1 = cpuMs();
  while (describeCalls < describes) {
    for (const [service, op, input] of describeMix(rng.int(fleets))) {
      await sim.dispatch(service, op, input);
      describeCalls++;
    }
  }
  const describeMs = cpuMs() - t1;

  const t2 = cpuMs();
  for (let k = 0; k < MUTATING_PER_SIZE; k++) {
    await sim.dispatch('AutoScaling', 'SetDesiredCapacity', { AutoScalingGroupName: `${fleetName(rng.int(fleets))}-v001`, DesiredCapacity: k % 2 ? 2 : 3 });
  }
  const mutatingMs = cpuMs() - t2;

  let clockSteps = 0;
  const off = sim.onTick(() => clockSteps++);
  const t3 = cpuMs();
  sim.advance(CLOCK_MINUTES * 60_000);
  const clockMs = cpuMs() - t3;
  off();

  return {
    fleets,
    groups: Object.keys(state.groups).length,
    instances: Object.keys(state.instances).length,
    loadBalancers: Object.keys(state.loadBalancers).length,
    alarms: Object.keys(state.alarms).length,
    launchTemplates: Object.keys(state.launchTemplates).length,
    buildCpuMsPerFleet: round(buildCpuMsPerFleet),
    describeCalls,
    cpuMsPerDescribeCall: round(describeMs / describeCalls),
    clockSteps,
    clockMinutes: CLOCK_MINUTES,
    cpuMsPerFleetMinute: round(clockMs / fleets / CLOCK_MINUTES),
    mutatingCalls: MUTATING_PER_SIZE,
    cpuMsPerMutatingCall: round(mutatingMs / MUTATING_PER_SIZE),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export async function benchSimScale(sizes: number[] = [100, 500, 2000]): Promise<SimScaleResult> {
  const rows: SimScaleRow[] = [];
  for (const n of sizes) rows.push(await measureSimScale(n));
  const first = rows[0];
  const last = rows[rows.length - 1];
  const ratio = (a: number, b: number) => round(b > 0 ? a / b : 0);
  return {
    sizes,
    rows,
    describeRatio: ratio(last.cpuMsPerDescribeCall, first.cpuMsPerDescribeCall),
    mutatingRatio: ratio(last.cpuMsPerMutatingCall, first.cpuMsPerMutatingCall),
    clockPerFleetRatio: ratio(last.cpuMsPerFleetMinute, first.cpuMsPerFleetMinute),
  };
}

export function summarizeSimScale(r: SimScaleResult): string {
  return [
    '  fleets  build ms/fleet  describe ms/call  mutating ms/call  clock ms/fleet-min  steps',
    ...r.rows.map(
      (x) =>
        `  ${String(x.fleets).padStart(6)} ${String(x.buildCpuMsPerFleet).padStart(15)} ${String(x.cpuMsPerDescribeCall).padStart(17)} ` +
        `${String(x.cpuMsPerMutatingCall).padStart(17)} ${String(x.cpuMsPerFleetMinute).padStart(19)} ${String(x.clockSteps).padStart(6)}`,
    ),
    `  ratios ${r.sizes[r.sizes.length - 1]}/${r.sizes[0]}: describe ${r.describeRatio}, mutating ${r.mutatingRatio}, clock per fleet ${r.clockPerFleetRatio}`,
  ].join('\n');
}
