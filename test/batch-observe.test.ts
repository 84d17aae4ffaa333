import * as path from 'node:path';
import { loadManifestFile } from '../src/manifest';
import { createSimEnv, type SimEnv } from '../src/main/sim-env';
import { observeFleet, resyncObservations } from '../src/providers/observe';
import type { DesiredFleet } from '../src/model/fleet';
import type { ObservedFleet } from '../src/model/observed';
import { convergeFleet, withCapacity } from '../src/bench/converge';
import { commonPrefix } from '../src/providers/fleet/batch-observe';

jest.setTimeout(120_000);

const example = loadManifestFile(path.join(__dirname, '../manifests/examples/magento-marketplace.yaml'))[0];

async function world(n: number): Promise<{ env: SimEnv; fleets: DesiredFleet[] }> {
  const env = createSimEnv();
  const fleets = Array.from({ length: n }, (_, i) => withCapacity(example, 2, `shop-${i}`));
  for (const f of fleets) await convergeFleet(env, f);
  return { env, fleets };
}

const observe = (env: SimEnv, f: DesiredFleet) => observeFleet(env.clients, f, { logger: env.logger, sleep: env.sleep, cache: env.ownershipCache, lifecycleHooks: true });
const reads = (env: SimEnv) => env.clients.calls.totals().read;
/** Everything but the read counter (served answers are still counted by the fleet's reader). */
const facts = ({ readCalls: _, fromBatch: _b, ...o }: ObservedFleet) => o;

async function observeAll(env: SimEnv, fleets: DesiredFleet[]): Promise<{ observed: ObservedFleet[]; reads: number }> {
  const before = reads(env);
  const observed = await Promise.all(fleets.map((f) => observe(env, f)));
  return { observed, reads: reads(env) - before };
}

describe('batched observe of many fleets', () => {
  it('observes the same world as the per-fleet path, with far fewer reads, and fewer still while nothing changes', async () => {
    const { env, fleets } = await world(4);
    const unbatched = await observeAll(env, fleets);
    const cache = resyncObservations(env.clients, { logger: env.logger, sleep: env.sleep, nowMs: () => env.clock.nowMs(), knownTags: (k) => env.ownershipCache.tags.has(k) });
    env.ownershipCache.observations = cache;

    cache.startPass(fleets);
    const first = await observeAll(env, fleets);
    expect(first.observed.map(facts)).toEqual(unbatched.observed.map(facts));
    expect(cache.stats).toMatchObject({ batches: 1, served: 4 });
    expect(first.reads).toBeLessThan(unbatched.reads);

    cache.startPass(fleets);
    const { result: second, calls } = await env.clients.calls.measure(() => observeAll(env, fleets));
    expect(second.observed.map(facts)).toEqual(unbatched.observed.map(facts));
    expect(second.reads).toBeLessThan(first.reads);
    // One batch, nothing per fleet (mount targets are remembered while the file system is unchanged).
    expect(calls.byOperation).toEqual({
      'EC2:DescribeImages': 1,
      'AutoScaling:DescribeAutoScalingGroups': 1,
      'ElasticLoadBalancing:DescribeLoadBalancers': 1,
      'CloudWatch:DescribeAlarms': 1,
      'EC2:DescribeLaunchTemplates': 1,
      'EC2:DescribeSecurityGroups': 1,
      'EFS:DescribeFileSystems': 1,
    });
  });

  it('reads remembered answers again once they are older than the memo age (30 to 60 minutes)', async () => {
    const { env, fleets } = await world(2);
    const cache = resyncObservations(env.clients, { logger: env.logger, sleep: env.sleep, nowMs: () => env.clock.nowMs() });
    env.ownershipCache.observations = cache;
    const pass = async () => {
      cache.startPass(fleets);
      return (await env.clients.calls.measure(() => observeAll(env, fleets))).calls.byOperation['ElasticLoadBalancing:DescribeLoadBalancerAttributes'] ?? 0;
    };
    expect(await pass()).toBe(2);
    env.clock.advance(5 * 60_000);
    expect(await pass()).toBe(0);
    env.clock.advance(61 * 60_000);
    expect(await pass()).toBe(2);
  });

  it('sees a change made behind its back in the next batch, and re-reads what depends on the changed group', async () => {
    const { env, fleets } = await world(2);
    const cache = resyncObservations(env.clients, { logger: env.logger, sleep: env.sleep, nowMs: () => env.clock.nowMs() });
    env.ownershipCache.observations = cache;
    cache.startPass(fleets);
    await observeAll(env, fleets);
    const [group] = (await observe(env, fleets[0])).groups; // unbatched: the pass is over
    await env.clients.autoScaling.PutScalingPolicy({ AutoScalingGroupName: group.name, PolicyName: 'outside', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 3 });
    await env.clients.autoScaling.UpdateAutoScalingGroup({ AutoScalingGroupName: group.name, MaxSize: group.max + 1 });
    cache.startPass(fleets);
    const again = await observeAll(env, fleets);
    expect(again.observed[0].groups[0].max).toBe(group.max + 1);
    expect(again.observed[0].policies.map((p) => p.name)).toContain('outside');
  });

  it('reads the world itself after an event, and after the slice went stale on the clock', async () => {
    const { env, fleets } = await world(3);
    const cache = resyncObservations(env.clients, { logger: env.logger, sleep: env.sleep, nowMs: () => env.clock.nowMs(), ttlMs: 5_000 });
    env.ownershipCache.observations = cache;
    cache.startPass(fleets);
    await observe(env, fleets[0]); // reads the chunk: all three slices
    cache.invalidate(fleets[1].name);
    env.clock.advance(6_000);
    const before = reads(env);
    await observe(env, fleets[1]);
    await observe(env, fleets[2]);
    expect(cache.stats).toMatchObject({ batches: 1, served: 1, invalidated: 1, expired: 1 });
    const perFleet = (reads(env) - before) / 2;
    expect(perFleet).toBeGreaterThanOrEqual(8);
  });

  it('lists alarms by the longest common prefix of the fleets', () => {
    expect(commonPrefix(['fleet-00001-', 'fleet-00099-', 'fleet-00042-'])).toBe('fleet-000');
    expect(commonPrefix(['shop-', 'api-'])).toBe('');
  });
});
