/**
 * The analyzer against the simulated account, through the real SDK clients: the sim's load model
 * publishes per-target-group and per-load-balancer metrics, and break-ami's error rate makes a
 * build serve 5xx while it stays healthy by health check.
 */
import { createAwsPort } from '../../aws/clients';
import { nullLogger } from '../../log/logger';
import type { DesiredFleet } from '../../model/fleet';
import { createSimPlugin, SimAccount } from '../../sim';
import type { DeployPortsContext } from '../../providers/deploy-context';
import { arnDimension } from '../../providers/analysis/metrics';
import { createTargetGroupFleet, createAlb, createTargetGroup, createWeightedListener, targetStates } from '../../../test/support/sim-elbv2';
import { createWebFleet, simClients, SUBNETS, WEB_SG } from '../../../test/support/sim';
import { desiredFleet } from '../../../test/support/planner/fixtures';
import { createAnalyzer, type AnalysisStep } from './analysis';

const AMI_GREEN = 'ami-0a1b2c3d4e5f60002';
const MIN = 60_000;

function analyzerFor(sim: SimAccount, fleet: DesiredFleet) {
  const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
  const ctx: DeployPortsContext = { logger: nullLogger, sleep: (ms) => sim.clock.sleep(ms), fleet, clock: sim.clock };
  return { analyze: createAnalyzer(clients, ctx), clients };
}

async function albCanary() {
  const sim = new SimAccount({ seed: 8 });
  const c = simClients(sim);
  const lb = await createAlb(c.elbv2);
  const blue = await createTargetGroup(c.elbv2, 'shop-blue');
  const green = await createTargetGroup(c.elbv2, 'shop-green');
  await createWeightedListener(c.elbv2, lb, [
    [blue, 90],
    [green, 10],
  ]);
  await createTargetGroupFleet(c, 'shop-v001', { desired: 3, targetGroups: [blue] });
  await createTargetGroupFleet(c, 'shop-v002', { desired: 1, targetGroups: [green], imageId: AMI_GREEN });
  const fleet = desiredFleet({ name: 'shop', deploy: { ...desiredFleet().deploy, analysis: 'default' } });
  return { sim, c, lb, blue, green, ...analyzerFor(sim, fleet) };
}

const STEP: AnalysisStep = { fleet: 'shop', blueGroup: 'shop-v001', greenGroup: 'shop-v002', stepIndex: 0, weight: 10, phase: 'step' };

describe('canary analysis on the simulated account', () => {
  it('passes a healthy green held to blue, after an inconclusive start with no requests yet', async () => {
    const { sim, analyze, lb, green } = await albCanary();
    const early = await analyze(STEP);
    expect(early.verdict).toBe('inconclusive');
    expect(early.sides.green).toEqual({ group: 'shop-v002', targetGroup: arnDimension(green), loadBalancer: arnDimension(lb) });
    expect(early.sides.green.targetGroup).toMatch(/^targetgroup\/shop-green\/[0-9a-f]{16}$/);
    expect(early.sides.green.loadBalancer).toMatch(/^app\/shop\/[0-9a-f]{16}$/);
    sim.advance(3 * MIN);
    const out = await analyze({ ...STEP, phase: 'pause' });
    expect(out.checks.map((c) => [c.name, c.verdict])).toEqual([
      ['5xx-count', 'pass'],
      ['5xx-rate', 'pass'],
      ['latency-p99', 'pass'],
    ]);
    expect(out.verdict).toBe('pass');
    expect(out.nowMs).toBe(sim.nowMs());
    expect(out.measurements[1]).toMatchObject({ green: 0, blue: 0, limit: 0.5 });
    expect(out.checks[1].message).toBe('green 0 ≤ 2 × blue 0 + 0.5 = 0.5');
    expect(out.measurements[2].green).toBeGreaterThan(0);
  });

  it('fails green on an AMI serving 30 % 5xx within a few virtual minutes, while its targets stay healthy', async () => {
    const { sim, c, green, analyze } = await albCanary();
    sim.advance(3 * MIN);
    expect((await analyze(STEP)).verdict).toBe('pass');
    sim.markAmiBroken(AMI_GREEN, { errorRate: 0.3 });
    const verdicts: string[] = [];
    let out = await analyze(STEP);
    for (let minute = 1; minute <= 5 && out.verdict !== 'fail'; minute++) {
      sim.advance(MIN);
      out = await analyze({ ...STEP, phase: 'pause' });
      verdicts.push(`${out.run}/${out.verdict}`);
    }
    // The first broken minute fails within failureLimit 1; the second fails the analysis.
    expect(verdicts).toEqual(['fail/inconclusive', 'fail/fail']);
    const rate = out.measurements.find((m) => m.name === '5xx-rate')!;
    expect(rate).toMatchObject({ verdict: 'fail', green: 30, blue: 0, failures: 2, failureLimit: 1 });
    expect(out.checks.find((ch) => ch.name === '5xx-rate')!.message).toBe('green 30 > 2 × blue 0 + 0.5 = 0.5 (2 failures > limit 1)');
    expect(Object.values(await targetStates(c.elbv2, green))).toEqual(['healthy']);
    // Value and threshold for status and the dashboard.
    expect(out.checks.find((ch) => ch.name === '5xx-rate')).toMatchObject({ value: 30, threshold: 0.5, failures: 2, failureLimit: 1 });
  });

  it('waits for both sides to be behind a load balancer, and passes a rollout that has no checks', async () => {
    const { sim, analyze, clients } = await albCanary();
    const missing = await analyze({ ...STEP, greenGroup: 'shop-v003' });
    expect(missing).toMatchObject({ verdict: 'inconclusive', checks: [{ name: 'resources', message: 'found no load balancer or target group for green' }] });
    const plain = analyzerFor(sim, desiredFleet({ name: 'shop' }));
    sim.advance(2 * MIN);
    expect(await plain.analyze(STEP)).toMatchObject({ verdict: 'pass', checks: [] });
    expect(plain.clients.calls.list().map((x) => x.operation)).not.toContain('GetMetricData');
    expect(clients.calls.list().map((x) => x.operation)).not.toContain('GetMetricData');
  });

  it('only asks CloudWatch again once a check is due', async () => {
    const { sim, analyze, clients } = await albCanary();
    sim.advance(2 * MIN);
    await analyze(STEP);
    const reads = () => clients.calls.list().filter((x) => x.operation === 'GetMetricData').length;
    expect(reads()).toBe(1);
    sim.advance(20_000);
    expect((await analyze(STEP)).verdict).toBe('pass');
    expect(reads()).toBe(1);
    sim.advance(MIN);
    await analyze(STEP);
    expect(reads()).toBe(2);
  });

  it('on a Classic ELB judges the whole load balancer against absolute thresholds', async () => {
    const sim = new SimAccount({ seed: 3 });
    const c = simClients(sim);
    await createWebFleet(c, { name: 'web', desired: 3 });
    const port = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
    const lt = await port.ec2.CreateLaunchTemplate({ LaunchTemplateName: 'lt-web-v002', LaunchTemplateData: { ImageId: AMI_GREEN, InstanceType: 't3.medium', SecurityGroupIds: [WEB_SG] } });
    await port.autoScaling.CreateAutoScalingGroup({
        AutoScalingGroupName: 'web-v002',
        LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate!.LaunchTemplateId, Version: '$Latest' },
        MinSize: 0, MaxSize: 2, DesiredCapacity: 1, VPCZoneIdentifier: SUBNETS.join(','), LoadBalancerNames: ['web'], HealthCheckType: 'ELB', HealthCheckGracePeriod: 120,
      });
    const fleet = desiredFleet({ name: 'web', deploy: { ...desiredFleet().deploy, analysis: 'default' } });
    const { analyze } = analyzerFor(sim, fleet);
    const step = { ...STEP, fleet: 'web', blueGroup: 'web-v001', greenGroup: 'web-v002' };
    sim.advance(6 * MIN);
    expect(sim.inServiceCount('web')).toBe(4);
    const healthy = await analyze(step);
    expect(healthy.sides).toEqual({ green: { group: 'web-v002', loadBalancer: 'web' }, blue: { group: 'web-v001', loadBalancer: 'web' } });
    expect(healthy.verdict).toBe('pass');
    sim.markAmiBroken(AMI_GREEN, { errorRate: 0.3 });
    sim.advance(2 * MIN);
    await analyze(step);
    sim.advance(MIN);
    const out = await analyze(step);
    // One instance in four answers 30 % of its share with 5xx: 7.5 % of the load balancer's requests.
    expect(out.verdict).toBe('fail');
    expect(out.measurements.find((m) => m.name === '5xx-rate')).toMatchObject({ verdict: 'fail', green: 7.5, limit: 1 });
  });
});
