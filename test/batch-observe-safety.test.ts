/**
 * Batched observe is safe to have on (issue 14): a reconcile that would act on a batch slice
 * looks at the world again first, and the answers remembered across passes are read again when
 * what they depend on changes (instance health when a group turns unhealthy), or by age for
 * what can drift unseen (attributes, policies), but never by age for what cannot (template versions).
 */
import * as path from 'node:path';
import { loadManifestFile } from '../src/manifest';
import { createSimEnv, type SimEnv } from '../src/main/sim-env';
import { observeFleet, resyncObservations } from '../src/providers/observe';
import { spread } from '../src/providers/fleet/observation-cache';
import type { DesiredFleet } from '../src/model/fleet';
import { converge } from '../src/controllers/fleet/converge';
import { convergeFleet, withCapacity } from '../src/bench/converge';

jest.setTimeout(120_000);

const example = loadManifestFile(path.join(__dirname, '../manifests/examples/magento-marketplace.yaml'))[0];

async function world(n: number): Promise<{ env: SimEnv; fleets: DesiredFleet[] }> {
  const env = createSimEnv();
  const fleets = Array.from({ length: n }, (_, i) => withCapacity(example, 2, `shop-${i}`));
  for (const f of fleets) await convergeFleet(env, f);
  const cache = resyncObservations(env.clients, { logger: env.logger, sleep: env.sleep, nowMs: () => env.clock.nowMs(), knownTags: (k) => env.ownershipCache.tags.has(k) });
  env.ownershipCache.observations = cache;
  return { env, fleets };
}

const deps = (env: SimEnv) => ({ clients: env.clients, logger: env.logger, sleep: env.sleep, calls: env.clients.calls, ownershipCache: env.ownershipCache });
const observe = (env: SimEnv, f: DesiredFleet) => observeFleet(env.clients, f, { logger: env.logger, sleep: env.sleep, cache: env.ownershipCache, lifecycleHooks: true });

async function pass(env: SimEnv, fleets: DesiredFleet[]): Promise<Record<string, number>> {
  env.ownershipCache.observations!.startPass(fleets);
  const { calls } = await env.clients.calls.measure(() => Promise.all(fleets.map((f) => observe(env, f))));
  return calls.byOperation;
}

describe('batched observe, safe by default', () => {
  it('acts only on a fresh look: a plan made from a slice is made again from the world, which someone fixed meanwhile', async () => {
    const { env, fleets } = await world(2);
    const group = (await observe(env, fleets[1])).groups[0];
    await env.clients.autoScaling.UpdateAutoScalingGroup({ AutoScalingGroupName: group.name, MaxSize: group.max + 3 }); // drift
    env.ownershipCache.observations!.startPass(fleets);
    const first = await converge(fleets[0], deps(env)); // reads the chunk: both slices, fleet 1's with the drift
    expect(first.observed.fromBatch).toBe(true);
    expect(first.applied).toEqual([]);
    await env.clients.autoScaling.UpdateAutoScalingGroup({ AutoScalingGroupName: group.name, MaxSize: group.max }); // someone put it back
    const second = await converge(fleets[1], deps(env));
    expect(second.observed.fromBatch).toBeUndefined(); // the slice planned a change, so it looked again
    expect(second.applied).toEqual([]); // and found nothing to change
    expect(second.observed.groups[0].max).toBe(group.max);
  });

  it('applies a needed change from the fresh look, not from the slice', async () => {
    const { env, fleets } = await world(1);
    const group = (await observe(env, fleets[0])).groups[0];
    await env.clients.autoScaling.UpdateAutoScalingGroup({ AutoScalingGroupName: group.name, MaxSize: group.max + 3 });
    env.ownershipCache.observations!.startPass(fleets);
    const r = await converge(fleets[0], deps(env));
    expect(r.observed.fromBatch).toBeUndefined();
    expect(r.applied.length).toBeGreaterThan(0);
    expect((await observe(env, fleets[0])).groups[0].max).toBe(group.max);
  });

  it('does not read instance health or template versions again by age, but does read attributes and policies', async () => {
    const { env, fleets } = await world(2);
    await pass(env, fleets);
    expect(await pass(env, fleets)).not.toHaveProperty(['ElasticLoadBalancing:DescribeInstanceHealth']);
    env.clock.advance(61 * 60_000);
    const later = await pass(env, fleets);
    expect(later).toMatchObject({ 'ElasticLoadBalancing:DescribeLoadBalancerAttributes': 2, 'AutoScaling:DescribePolicies': 2 });
    expect(later).not.toHaveProperty(['ElasticLoadBalancing:DescribeInstanceHealth']);
    expect(later).not.toHaveProperty(['EC2:DescribeLaunchTemplateVersions']);
  });

  it('reads instance health again, every pass, while a group of the fleet is changing', async () => {
    const { env, fleets } = await world(2);
    await pass(env, fleets);
    const group = (await observe(env, fleets[0])).groups[0];
    await pass(env, fleets);
    await env.sim.dispatch('EC2', 'TerminateInstances', { InstanceIds: [group.instances[0].id] }); // behind drover's back
    env.sim.advance(10_000);
    expect((await pass(env, fleets))['ElasticLoadBalancing:DescribeInstanceHealth']).toBe(1);
    env.sim.advance(10_000);
    expect((await pass(env, fleets))['ElasticLoadBalancing:DescribeInstanceHealth']).toBe(1);
  });
});

describe('memo ages', () => {
  it('spreads fleets with sequential names evenly over 30 to 60 minutes', () => {
    const ages = Array.from({ length: 600 }, (_, i) => spread(`fleet-${String(i).padStart(5, '0')}`, 30));
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...ages)).toBeLessThanOrEqual(60);
    // Each 5-minute slice of the range holds about a sixth of the fleets.
    for (let from = 30; from < 60; from += 5) {
      const n = ages.filter((a) => a >= from && a < from + 5).length;
      expect(n).toBeGreaterThan(70);
      expect(n).toBeLessThan(130);
    }
  });
});
