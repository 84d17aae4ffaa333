import { createSwapMachine } from '../src/deploy/machines';
import type { SwapInput, SwapOutput } from '../src/deploy/machines/swap.machine';
import type { DesiredFleet } from '../src/model/fleet';
import { desiredFleet } from './support/planner/fixtures';
import { crashAndRestore } from './support/deploy/harness';
import { AMI, createDeployEnv, LB, type DeployEnv } from './deploy-env';

const BLUE = 'magento-marketplace-v001';
const GREEN = 'magento-marketplace-v002';

function swapInput(d: DesiredFleet, amiId: string, desiredAtStart: number): SwapInput {
  return {
    fleet: d.name, generation: 2, blueGroup: BLUE, amiId, desiredAtStart,
    healthyTimeoutSeconds: d.deploy.healthyTimeoutSeconds, soakSeconds: d.deploy.soakSeconds,
    keepPreviousSeconds: d.deploy.keepPreviousSeconds, drainingSeconds: d.loadBalancer.connectionDrainingSeconds,
    rollbackOnAlarms: d.deploy.rollbackOnAlarms,
  };
}

async function templateVersions(env: DeployEnv) {
  const lt = (await env.clients.ec2.DescribeLaunchTemplates({ LaunchTemplateNames: ['drover-magento-marketplace'] })).LaunchTemplates![0];
  const out = await env.clients.ec2.DescribeLaunchTemplateVersions({ LaunchTemplateId: lt.LaunchTemplateId, MaxResults: 200 });
  return { defaultVersion: lt.DefaultVersionNumber, versions: out.LaunchTemplateVersions!.map((v) => v.VersionNumber).sort() };
}

/** A converged fleet under steady load (CPU between the scale-in and scale-out thresholds). */
async function readyEnv(d: DesiredFleet) {
  const env = createDeployEnv(d);
  env.sim.setLoad(LB, 130);
  await env.converge(d);
  return env;
}

const swap = (env: DeployEnv, input: SwapInput, onTransition?: (s: any) => void) =>
  env.run(createSwapMachine(env.ports.swap), 'swap', input, onTransition);

describe('blue/green swap over the simulated account', () => {
  it('brings green up at blue\'s current capacity, never dips, retires blue and leaves a converged fleet', async () => {
    const d = desiredFleet({ deploy: { ...desiredFleet().deploy, keepPreviousSeconds: 900 } });
    const env = await readyEnv(d);
    await env.clients.autoScaling.SetDesiredCapacity({ AutoScalingGroupName: BLUE, DesiredCapacity: 3 });
    env.advanceUntil(() => env.sim.inServiceCount(LB) === 3);
    const desiredAtStart = await env.groupDesired(BLUE);
    expect(desiredAtStart).toBe(3);

    const result = await swap(env, swapInput(d, AMI.r2, desiredAtStart));
    expect(result.output).toEqual({ status: 'succeeded', greenGroup: GREEN, generation: 2, launchTemplateVersion: 2 } satisfies SwapOutput);
    expect(result.minServing).toBeGreaterThanOrEqual(desiredAtStart);

    env.advanceUntil(() => env.sim.groups().length === 1);
    const [green] = env.sim.groups();
    expect(green).toMatchObject({ name: GREEN, desired: 3, min: 2, max: 6, loadBalancers: [LB], suspended: [], launchTemplate: { version: '2' } });
    expect(green.instances.map((i) => i.lifecycle)).toEqual(['InService', 'InService', 'InService']);
    const images = env.sim.instances().filter((i) => i.group === GREEN).map((i) => i.imageId);
    expect(images).toEqual([AMI.r2, AMI.r2, AMI.r2]);
    expect(env.sim.inServiceCount(LB)).toBe(3);
    // Blue left the ELB only after green was whole, and was never suspended before that.
    const detachBlue = env.callsOf('DetachLoadBalancers', (i) => i.AutoScalingGroupName === BLUE);
    expect(detachBlue).toHaveLength(1);
    expect(await templateVersions(env)).toEqual({ defaultVersion: 2, versions: [1, 2] });

    const plan = await env.reconcile(desiredFleet({ ...d, image: { ami: AMI.r2 } }), { dryRun: true });
    expect(plan.plan.steps).toEqual([]);
    expect(plan.readiness.ready).toBe(true);
  });

  it('rolls back a broken AMI within the healthy timeout: blue never leaves the ELB, green is deleted', async () => {
    const d = desiredFleet();
    const env = await readyEnv(d);
    env.sim.markAmiBroken(AMI.r3);
    const started = env.clock.nowMs();
    let rollbackAt: number | undefined;
    const result = await swap(env, swapInput(d, AMI.r3, 2), (s) => {
      if (rollbackAt === undefined && typeof s.value === 'object' && 'rollback' in s.value) rollbackAt = env.clock.nowMs();
    });
    const out = result.output as Extract<SwapOutput, { status: 'rolledBack' }>;
    expect(out.status).toBe('rolledBack');
    expect(out.reason).toBe('GreenUnhealthy');
    expect(rollbackAt! - started).toBeLessThanOrEqual((d.deploy.healthyTimeoutSeconds + 60) * 1000);
    const greenIds = new Set(env.sim.instances().filter((i) => i.group === GREEN).map((i) => i.id));
    expect(out.failingInstanceIds.length).toBeGreaterThan(0);
    expect(out.failingInstanceIds.every((id) => greenIds.has(id))).toBe(true);

    expect(result.minServing).toBeGreaterThanOrEqual(2);
    expect(env.callsOf('DetachLoadBalancers', (i) => i.AutoScalingGroupName === BLUE)).toEqual([]);
    expect(env.callsOf('SuspendProcesses')).toEqual([]);
    env.advanceUntil(() => !env.sim.group(GREEN));
    expect(env.sim.group(BLUE)).toMatchObject({ desired: 2, loadBalancers: [LB], suspended: [] });
    expect(await templateVersions(env)).toEqual({ defaultVersion: 1, versions: [1] });
    expect((await env.reconcile(d, { dryRun: true })).plan.steps).toEqual([]);
  });

  it('rolls back when a watched alarm fires during soak, after blue already left the ELB', async () => {
    const d = desiredFleet({ deploy: { ...desiredFleet().deploy, rollbackOnAlarms: ['canary-5xx'] } });
    const env = await readyEnv(d);
    await env.clients.cloudWatch.PutMetricAlarm({
      AlarmName: 'canary-5xx', Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Statistic: 'Average',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: GREEN }], Period: 60, EvaluationPeriods: 1,
      Threshold: 60, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    let loaded = false;
    const result = await swap(env, swapInput(d, AMI.r2, 2), (s) => {
      // Traffic on green turns hot once blue has left the ELB: the canary alarm fires during soak.
      if (!loaded && JSON.stringify(s.value).includes('soak')) {
        loaded = true;
        env.sim.setLoad(LB, 400);
      }
    });
    const out = result.output as Extract<SwapOutput, { status: 'rolledBack' }>;
    expect(out).toMatchObject({ status: 'rolledBack', reason: 'AlarmFired' });
    expect(out.message).toContain('canary-5xx');
    expect(env.callsOf('DetachLoadBalancers', (i) => i.AutoScalingGroupName === BLUE)).toHaveLength(1);
    expect(result.minServing).toBeGreaterThanOrEqual(2);

    env.sim.setLoad(LB, 130);
    env.advanceUntil(() => !env.sim.group(GREEN));
    const blue = env.sim.group(BLUE)!;
    expect(blue).toMatchObject({ desired: 2, min: 2, loadBalancers: [LB], suspended: [] });
    expect(blue.instances.every((i) => i.lifecycle === 'InService' && i.health === 'Healthy')).toBe(true);
    expect(env.sim.inServiceCount(LB)).toBe(2);
    expect(await templateVersions(env)).toEqual({ defaultVersion: 1, versions: [1] });
    expect((await env.reconcile(d, { dryRun: true })).plan.steps).toEqual([]);
  });
});

describe('blue/green swap restored after a crash', () => {
  it.each([2, 3, 4, 6])('creates one green group and one version when the process dies after save %i', async (crashAfter) => {
    const d = desiredFleet({ deploy: { ...desiredFleet().deploy, keepPreviousSeconds: 300, soakSeconds: 60 } });
    const env = await readyEnv(d);
    const started = env.clock.nowMs();
    const { result, crashedAt } = await crashAndRestore(
      createSwapMachine(env.ports.swap),
      { clock: env.clock, input: swapInput(d, AMI.r2, 2), kind: 'swap', fleet: d.name },
      crashAfter,
      'afterEffect',
    );
    expect(result.output).toMatchObject({ status: 'succeeded', greenGroup: GREEN, launchTemplateVersion: 2 });
    expect((crashedAt as { status: string }).status).toBe('active');
    // Every attempt counts, failed ones too: a repeated create would show up as an AlreadyExists call.
    const attempts = (op: string) => env.sim.calls.filter((c) => c.operation === op && c.atMs >= started);
    expect(attempts('CreateAutoScalingGroup')).toHaveLength(1);
    expect(attempts('CreateLaunchTemplateVersion')).toHaveLength(1);
    env.advanceUntil(() => env.sim.groups().length === 1);
    expect(env.sim.group(GREEN)).toMatchObject({ desired: 2, loadBalancers: [LB] });
    expect((await env.reconcile(desiredFleet({ ...d, image: { ami: AMI.r2 } }), { dryRun: true })).plan.steps).toEqual([]);
  });
});
