import { observeFleet } from '../src/providers/observe';
import { OwnershipCache } from '../src/providers/observe-context';
import { observedSummary } from '../src/controllers/fleet/status-summary';
import { desiredFleet } from './support/planner/fixtures';
import { createCloudEnv } from './cloud-env';

describe('instance launch times (AGE)', () => {
  it("carries EC2's LaunchTime into the observation, describing each instance once for its life", async () => {
    const env = createCloudEnv();
    const d = desiredFleet();
    await env.converge(d);
    const cache = new OwnershipCache();
    cache.launchTimes.set(`${d.name}/i-0000000000000dead`, '2020-01-01T00:00:00.000Z');
    cache.launchTimes.set('other-fleet/i-0000000000000beef', '2020-01-01T00:00:00.000Z');
    const ctx = { ...env.deps, cache };
    env.clients.calls.reset();
    const first = await observeFleet(env.clients, d, ctx);
    expect(env.clients.calls.snapshot().byOperation['EC2:DescribeInstances']).toBe(1);

    const truth = await env.clients.ec2.DescribeInstances({});
    const launched = new Map((truth.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId, new Date(i.LaunchTime!).toISOString()]));
    const instances = first.groups.flatMap((g) => g.instances);
    expect(instances.length).toBeGreaterThan(0);
    for (const i of instances) expect(i.launchedAt).toBe(launched.get(i.id));

    // Gone instances of this fleet are forgotten; other fleets' entries are not this fleet's to prune.
    expect(cache.launchTimes.has(`${d.name}/i-0000000000000dead`)).toBe(false);
    expect(cache.launchTimes.has('other-fleet/i-0000000000000beef')).toBe(true);

    env.clients.calls.reset();
    const again = await observeFleet(env.clients, d, ctx);
    expect(env.clients.calls.snapshot().byOperation['EC2:DescribeInstances']).toBeUndefined();
    expect(again.groups.flatMap((g) => g.instances).map((i) => i.launchedAt)).toEqual(instances.map((i) => i.launchedAt));
    const summary = observedSummary(d, again);
    expect(summary.instances.map((i) => i.launchedAt)).toEqual(instances.map((i) => i.launchedAt));
  });
});
