/**
 * Many replicas on one machine (issue 13, item 5): three real `drover daemon` processes share
 * one DynamoDB state table (dynalite, in this process) and one simulated account (served from
 * this process at speed 0; virtual time moves only while every replica is idle). With 10
 * fleets converged and the shards split, the owner of a fleet is killed with SIGKILL in the
 * middle of its blue/green swap; another replica finishes the swap. A fourth replica joins and
 * the shards rebalance. A GitLab merge then lands on whichever replica receives it, and each
 * fleet's owner starts its bake (nudged when another replica recorded the request). All through the run the harness's monitors see every lease write and
 * every call to the account: never two owners of one shard at any instant, no lifecycle action
 * completed twice, never two green groups, capacity never below desired.
 */
import { DEFAULT_LEASE_SETTINGS } from '../src/state/leases';
import { ReplicaHarness } from '../src/bench/replicas/harness';
import { balanced, convergedAndSplit, invariants, killOwnerMidSwap } from '../src/bench/replicas/scenario';
import { AMIS } from '../src/bench/replicas/fleets';
import { mergeReachesOwners } from '../src/bench/replicas/merge';
import { ensureBuilt, ROOT } from './support/cli-process';

jest.setTimeout(300_000);

let h: ReplicaHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

it('3 daemons, 10 fleets: the swap of a killed owner finishes under another replica, a 4th joins and the shards rebalance, with every invariant held', async () => {
  ensureBuilt();
  h = await ReplicaHarness.start({ root: ROOT, fleets: 10, bake: true });
  const started = h.nowMs();
  for (let i = 0; i < 3; i++) await h.addReplica();
  await convergedAndSplit(h);
  const before = h.leases.shardsByOwner(h.nowMs());
  expect([...before.values()].every((s) => s.length <= Math.ceil(DEFAULT_LEASE_SETTINGS.shards / 3))).toBe(true);

  const kill = await killOwnerMidSwap(h, 'web-01', AMIS[1]);
  expect(kill.finishedBy).not.toBe(kill.victim);
  expect(kill.finishMessage).toContain(AMIS[1]);
  const seconds = Object.values(kill.failoverSeconds);
  expect(seconds.length).toBeGreaterThan(0);
  // The kill to the new owner's first reconcile, on the account's clock, with the default leases.
  expect(Math.max(...seconds)).toBeLessThanOrEqual(20);
  const serving = h.sim.groups().filter((g) => !g.deleting && g.name.startsWith('web-01-'));
  expect(serving.map((g) => g.desired)).toEqual([1]);

  const joined = await h.addReplica();
  const split = await balanced(h);
  expect(split.get(joined.id!)!.length).toBeGreaterThan(0);
  expect(Math.max(...[...split.values()].map((s) => s.length))).toBeLessThanOrEqual(Math.ceil(DEFAULT_LEASE_SETTINGS.shards / 3));

  // Any replica may receive a merge: each fleet's owner starts its bake, nudged when another replica received it.
  const merge = await mergeReachesOwners(h, 'c0ffee'.padEnd(40, '0'));
  expect(merge.startedBy).toEqual(merge.ownerAtStart);
  expect(Object.keys(merge.receivedBy).sort()).toEqual(h.fleets.map((f) => f.name).sort());
  expect(merge.viaNudge.length).toBeGreaterThan(0); // 4 replicas: the receiver owns about a quarter of the fleets
  expect(merge.secondsToLastStart).toBeLessThanOrEqual(15);

  const inv = invariants(h);
  console.log(
    `replicas e2e: ${kill.victim} killed mid-swap of web-01, finished by ${kill.finishedBy}; failover s ${JSON.stringify(kill.failoverSeconds)}; ` +
      `${h.leases.handovers.length} shard handovers, ${h.monitor.completed.size} lifecycle actions completed, ${h.monitor.capacityChecks} capacity checks, ` +
      `merge received by ${[...new Set(Object.values(merge.receivedBy))].join(', ')}, ${merge.viaNudge.length} fleets' bakes started by their owners through nudges, last after ${merge.secondsToLastStart} s; ` +
      `writes ${JSON.stringify(h.writesBetween(0, Infinity))}, ${Math.round((h.nowMs() - started) / 1000)} virtual s`,
  );
  expect(inv.details).toEqual([]);
  expect(inv).toMatchObject({ shardDoubleOwnership: 0, duplicateLifecycleCompletions: 0, doubleGreens: 0, capacityBelowDesired: 0 });
  // The monitors did look: lease handovers after the kill and join, lifecycle actions completed, capacity sampled.
  expect(h.leases.handovers.filter((x) => x.atMs >= kill.killedAtMs && x.to).length).toBeGreaterThan(0);
  expect(h.monitor.completed.size).toBeGreaterThan(0);
  expect(h.monitor.capacityChecks).toBeGreaterThan(100);
});
