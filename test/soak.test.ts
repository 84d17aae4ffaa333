/**
 * The short chaos soak of `npm test`: three fleets for three virtual hours under every fault
 * kind, merges and kill -9, every invariant checked after every step (`npm run soak` runs the
 * day). What longer soaks found has its own regression test: deploy-swap-rollback-scaled,
 * daemon-start-retry, src/deploy/bake-consistency.
 */
import { runSoak } from '../src/soak/soak';
import { formatSummary } from '../src/soak/summary';

it('a short chaos soak holds every invariant and says what it did', async () => {
  const summary = await runSoak({ hours: 3, seed: 2, fleets: 3 });
  if (summary.failure) throw new Error(formatSummary(summary));
  expect(summary.result).toBe('passed');
  expect(summary.virtualHours).toBe(3);
  expect(summary.faults.throttling).toBeGreaterThan(100);
  expect(summary.faults.serverErrors).toBeGreaterThan(0);
  expect(summary.faults.eventualConsistency).toBeGreaterThan(0);
  expect(summary.faults.sqsDuplicates).toBeGreaterThan(0);
  expect(summary.faults.kills).toBeGreaterThan(0);
  expect(summary.killsSurvived).toBe(summary.faults.kills);
  expect(summary.merges.total).toBeGreaterThan(0);
  expect(summary.deployments['bake:Succeeded']).toBeGreaterThan(0);
  expect(summary.invariantChecks.capacity).toBeGreaterThan(1_000);
  expect(summary.invariantChecks.final).toBeGreaterThan(0);
  expect(summary.imagesBeyondRetention).toBe(0);
  // Work done, not wall time: steps of 30-60 virtual seconds, and the daemon's AWS calls
  // (throttled ones included) stay within a budget per fleet and virtual hour (about 1,550 today).
  expect(summary.steps).toBeGreaterThanOrEqual((3 * 3_600) / 60);
  expect(summary.steps).toBeLessThanOrEqual((3 * 3_600) / 30);
  expect(summary.awsCalls).toBeGreaterThan(0);
  expect(summary.awsCalls).toBeLessThan(2_500 * 3 * 3);
}, 120_000);

it('is reproducible: the same seed makes the same run', async () => {
  const strip = ({ realSeconds: _r, ...rest }: Awaited<ReturnType<typeof runSoak>>) => rest;
  const a = await runSoak({ hours: 2, seed: 11, fleets: 1 });
  const b = await runSoak({ hours: 2, seed: 11, fleets: 1 });
  if (a.failure) throw new Error(formatSummary(a));
  expect(strip(b)).toEqual(strip(a));
}, 120_000);
