/**
 * Blue/green on an ALB fleet, in-process over the simulated account with the real deploy ports:
 * green joins the standby target group, cut-over is the listener's forward weights (0/100), and a
 * rollback after cut-over returns the weight to blue only once blue serves fully again. At every
 * sampled instant the groups the listener sends traffic to hold at least the desired capacity.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSwapMachine } from '../src/deploy/machines';
import type { SwapInput, SwapOutput } from '../src/deploy/machines/swap.machine';
import { loadManifestText } from '../src/manifest';
import type { DesiredFleet } from '../src/model/fleet';
import { AMI, createDeployEnv, type DeployEnv } from './deploy-env';
import { crashAndRestore } from './support/deploy/harness';
import { albView } from './support/sim-elbv2';

const LB = 'magento-alb';
const BLUE = 'magento-alb-v001';
const GREEN = 'magento-alb-v002';
const TG = { blue: 'magento-alb-blue', green: 'magento-alb-green' };

function albFleet(edit: (text: string) => string = (t) => t): DesiredFleet {
  const text = fs.readFileSync(path.resolve(__dirname, '../manifests/examples/magento-alb.yaml'), 'utf8')
    .replace(/soak: 5m/, 'soak: 2m')
    .replace(/keepPrevious: 1h/, 'keepPrevious: 5m');
  return loadManifestText(edit(text), 'magento-alb.yaml')[0]!;
}

function swapInput(d: DesiredFleet, amiId: string): SwapInput {
  return {
    fleet: d.name, generation: 2, blueGroup: BLUE, amiId, desiredAtStart: 2,
    healthyTimeoutSeconds: d.deploy.healthyTimeoutSeconds, soakSeconds: d.deploy.soakSeconds,
    keepPreviousSeconds: d.deploy.keepPreviousSeconds, drainingSeconds: 60,
    rollbackOnAlarms: d.deploy.rollbackOnAlarms,
  };
}

/** The least serving capacity (healthy targets behind weight > 0) seen every 10 virtual seconds. */
function sampleServing(env: DeployEnv) {
  let min = Infinity;
  let next = 0;
  env.sim.onTick((now) => {
    if (now < next) return;
    next = now + 10_000;
    min = Math.min(min, albView(env.sim).serving);
  });
  return { min: () => min, reset: () => (min = albView(env.sim).serving) };
}

async function readyEnv(d: DesiredFleet) {
  const env = createDeployEnv(d);
  env.sim.setLoad(LB, 130);
  await env.converge(d);
  return { env, serving: sampleServing(env) };
}

describe('blue/green swap on an ALB fleet', () => {
  it('attaches green to the standby target group, cuts over by listener weights 0/100 with capacity kept, and retires blue', async () => {
    const d = albFleet();
    const { env, serving } = await readyEnv(d);
    expect(albView(env.sim).weights).toEqual({ [TG.blue]: 100, [TG.green]: 0 });
    serving.reset();
    const result = await env.run(createSwapMachine(env.ports.swap), 'swap', swapInput(d, AMI.r2));
    expect(result.output).toEqual({ status: 'succeeded', greenGroup: GREEN, generation: 2, launchTemplateVersion: 2 } satisfies SwapOutput);
    expect(serving.min()).toBeGreaterThanOrEqual(2);

    const view = albView(env.sim);
    expect(view.weights).toEqual({ [TG.blue]: 0, [TG.green]: 100 });
    expect(view.healthy[TG.green]).toBe(2);
    const arn = (name: string) => (Object.values(env.sim.snapshot().elbv2!.targetGroups) as Array<{ name: string; arn: string }>).find((t) => t.name === name)!.arn;
    expect(env.sim.group(GREEN)).toMatchObject({ targetGroups: [arn(TG.green)], loadBalancers: [], suspended: [] });
    expect(env.sim.group(BLUE)?.deleting ?? true).toBe(true);
    // Cut-over moved the weights once and touched no Classic ELB.
    expect(env.callsOf('ModifyListener')).toHaveLength(1);
    expect(env.callsOf('AttachLoadBalancers')).toHaveLength(0);

    // Re-observed: from now on only the new build answers.
    const before = albView(env.sim).served;
    env.sim.advance(5 * 60_000);
    const after = albView(env.sim).served;
    expect((after[AMI.r2] ?? 0) - (before[AMI.r2] ?? 0)).toBeGreaterThan(0);
    expect((after[AMI.base] ?? 0) - (before[AMI.base] ?? 0)).toBe(0);

    const plan = await env.reconcile(albFleet((t) => t.replace(/^(\s+)ami: ami-0a1b2c3d4e5f60001/m, `$1ami: ${AMI.r2}`)), { dryRun: true });
    expect(plan.plan.steps).toEqual([]);
    expect(plan.readiness.ready).toBe(true);
  });

  it('rolls back after cut-over when a watched alarm fires in soak: blue serves fully again before the weight returns to it', async () => {
    const d = albFleet((t) => t.replace(/rollbackOnAlarms: \[\]/, 'rollbackOnAlarms: [green-cpu]'));
    const { env, serving } = await readyEnv(d);
    await env.clients.cloudWatch.PutMetricAlarm({
      AlarmName: 'green-cpu', Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Statistic: 'Average',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: GREEN }], Period: 60, EvaluationPeriods: 1,
      Threshold: 60, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    let loaded = false;
    let weightsInSoak: Record<string, number> | undefined;
    serving.reset();
    const result = await env.run(createSwapMachine(env.ports.swap), 'swap', swapInput(d, AMI.r2), (s) => {
      if (!loaded && JSON.stringify(s.value).includes('soak')) {
        loaded = true;
        weightsInSoak = albView(env.sim).weights;
        env.sim.setLoad(LB, 400);
      }
    });
    expect(weightsInSoak).toEqual({ [TG.blue]: 0, [TG.green]: 100 });
    expect(result.output).toMatchObject({ status: 'rolledBack', reason: 'AlarmFired' });
    expect(serving.min()).toBeGreaterThanOrEqual(2);

    env.sim.setLoad(LB, 130);
    env.advanceUntil(() => !env.sim.group(GREEN));
    const view = albView(env.sim);
    expect(view.weights).toEqual({ [TG.blue]: 100, [TG.green]: 0 });
    expect(view.healthy[TG.blue]).toBeGreaterThanOrEqual(2);
    expect(env.sim.group(BLUE)).toMatchObject({ desired: 2, suspended: [] });
    const before = view.served;
    env.sim.advance(5 * 60_000);
    const after = albView(env.sim).served;
    expect((after[AMI.base] ?? 0) - (before[AMI.base] ?? 0)).toBeGreaterThan(0);
    expect((after[AMI.r2] ?? 0) - (before[AMI.r2] ?? 0)).toBe(0);
    expect((await env.reconcile(d, { dryRun: true })).plan.steps).toEqual([]);
  });
});

describe('blue/green swap on an ALB fleet restored after a crash', () => {
  it.each([3, 4, 5, 7])('attaches green once and cuts over once when the process dies after save %i', async (crashAfter) => {
    const d = albFleet();
    const { env } = await readyEnv(d);
    const started = env.clock.nowMs();
    const { result } = await crashAndRestore(
      createSwapMachine(env.ports.swap),
      { clock: env.clock, input: swapInput(d, AMI.r2), kind: 'swap', fleet: d.name },
      crashAfter,
      'afterEffect',
    );
    expect(result.output).toMatchObject({ status: 'succeeded', greenGroup: GREEN });
    const attempts = (op: string) => env.sim.calls.filter((c) => c.operation === op && c.atMs >= started);
    expect(attempts('CreateAutoScalingGroup')).toHaveLength(1);
    expect(attempts('AttachLoadBalancerTargetGroups')).toHaveLength(1);
    expect(attempts('ModifyListener')).toHaveLength(1);
    expect(albView(env.sim).weights).toEqual({ [TG.blue]: 0, [TG.green]: 100 });
  });
});
