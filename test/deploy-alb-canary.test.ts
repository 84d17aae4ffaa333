/**
 * A canary on an ALB fleet, in-process over the simulated account with the real deploy ports and
 * the CloudWatch analysis: green's weight is the listener's forward weight, raised step by step
 * only once green has the healthy targets to carry it; a build that answers 5xx is stopped by
 * analysis and the listener goes back to blue 100 %. Blue keeps its full capacity throughout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDeployPorts } from '../src/deploy/actors';
import { createAnalyzer } from '../src/deploy/actors/analysis';
import { createCanaryMachine } from '../src/deploy/machines';
import type { CanaryInput } from '../src/deploy/machines/canary.machine';
import { loadManifestText } from '../src/manifest';
import type { DesiredFleet } from '../src/model/fleet';
import { AMI, createDeployEnv } from './deploy-env';
import { albView } from './support/sim-elbv2';

const LB = 'magento-alb';
const TG = { blue: 'magento-alb-blue', green: 'magento-alb-green' };

function canaryFleet(): DesiredFleet {
  const text = fs.readFileSync(path.resolve(__dirname, '../manifests/examples/magento-alb.yaml'), 'utf8')
    .replace(/^(\s+)min: 2\n(\s+)max: 10\n(\s+)desired: 2/m, '$1min: 4\n$2max: 10\n$3desired: 4')
    .replace(/soak: 5m/, 'soak: 1m')
    .replace(/keepPrevious: 1h/, 'keepPrevious: 2m')
    .replace(/^(\s+)strategy: blueGreen.*$/m, '$1strategy: canary\n$1canary:\n$1  steps: [{setWeight: 25}, {pause: 3m}, {setWeight: 50}, {pause: 3m}]');
  return loadManifestText(text, 'magento-alb.yaml')[0]!;
}

function canaryInput(d: DesiredFleet, amiId: string): CanaryInput {
  return {
    fleet: d.name, generation: 2, blueGroup: 'magento-alb-v001', amiId, desiredAtStart: 4,
    healthyTimeoutSeconds: d.deploy.healthyTimeoutSeconds, soakSeconds: d.deploy.soakSeconds,
    keepPreviousSeconds: d.deploy.keepPreviousSeconds, drainingSeconds: 60, rollbackOnAlarms: [],
    steps: d.deploy.canary!.steps, onAbort: 'delete', analysisIntervalSeconds: 60,
  };
}

async function canaryEnv() {
  const d = canaryFleet();
  const env = createDeployEnv(d);
  env.sim.setLoad(LB, 130);
  await env.converge(d);
  const ctx = { logger: env.logger, sleep: env.sleep, fleet: d, clock: env.clock };
  const ports = createDeployPorts(env.clients, ctx, createAnalyzer(env.clients, ctx));
  // Every 10 virtual seconds: the green weights seen and the least serving capacity.
  const seen = { greenWeights: new Set<number>(), minServing: Infinity };
  let next = 0;
  env.sim.onTick((now) => {
    if (now < next) return;
    next = now + 10_000;
    const v = albView(env.sim);
    seen.greenWeights.add(v.weights[TG.green] ?? 0);
    seen.minServing = Math.min(seen.minServing, v.serving);
  });
  const run = (amiId: string) => env.run(createCanaryMachine(ports.canary), 'canary', canaryInput(d, amiId));
  return { env, seen, run };
}

describe('canary on an ALB fleet (in-process)', () => {
  it('steps the listener weights 25 %, 50 %, 100 % for a good build and completes with capacity kept', async () => {
    const { env, seen, run } = await canaryEnv();
    const result = await run(AMI.r2);
    expect(result.output).toMatchObject({ status: 'succeeded', greenGroup: 'magento-alb-v002' });
    expect([...seen.greenWeights].sort((a, b) => a - b)).toEqual([0, 25, 50, 100]);
    expect(seen.minServing).toBeGreaterThanOrEqual(4);
    expect(albView(env.sim).weights).toEqual({ [TG.blue]: 0, [TG.green]: 100 });
  });

  it('aborts a build that serves 5xx by analysis: the listener is back at blue 100 % and the old version answers everything', async () => {
    const { env, seen, run } = await canaryEnv();
    env.sim.markAmiBroken(AMI.r3, { errorRate: 0.3 });
    const result = await run(AMI.r3);
    expect(result.output).toMatchObject({ status: 'rolledBack', reason: 'AnalysisFailed' });
    expect((result.output as { message: string }).message).toMatch(/5xx-rate: green [\d.]+ >/);
    expect(seen.greenWeights.has(25)).toBe(true);
    expect(seen.greenWeights.has(50)).toBe(false);
    expect(seen.minServing).toBeGreaterThanOrEqual(4);
    const view = albView(env.sim);
    expect(view.weights).toEqual({ [TG.blue]: 100, [TG.green]: 0 });
    expect(env.sim.group('magento-alb-v002')?.deleting ?? true).toBe(true);
    env.sim.advance(5 * 60_000);
    const after = albView(env.sim).served;
    expect((after[AMI.r3] ?? 0) - (view.served[AMI.r3] ?? 0)).toBe(0);
    expect((after[AMI.base] ?? 0) - (view.served[AMI.base] ?? 0)).toBeGreaterThan(0);
  });
});
