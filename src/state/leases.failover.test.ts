/**
 * Failover with the default lease settings: three replicas renewing at different phases of
 * the 2 s period; one is killed at a point spread over its period, and the time from the kill
 * until the survivors hold all of its shards is measured on the virtual clock. The issue asks
 * for a median of at most 15 s and a max of at most 20 s; the design gives 8-12 s.
 */
import { DynamoLeaseTable } from './dynamo/lease-table';
import { DEFAULT_LEASE_SETTINGS, ShardLeases } from './leases';
import { VirtualClock } from '../util/clock';
import { useDynalite } from '../../test/support/dynalite';

const db = useDynalite();

const { renewMs, leaseMs } = DEFAULT_LEASE_SETTINGS;
const STEP = 100;
const PHASES = [0, 700, 1400];

async function failoverAfterKillAt(offsetMs: number): Promise<number> {
  const t0 = Date.UTC(2026, 11, 4, 9);
  const clock = new VirtualClock(t0);
  const base = await db.table(clock);
  const replicas = PHASES.map((phase, i) => ({ phase, alive: true, leases: new ShardLeases({ table: new DynamoLeaseTable({ ...base, client: db.client() }), clock, id: `r${i}` }) }));
  const step = async () => {
    const t = clock.nowMs() - t0;
    await Promise.all(replicas.filter((r) => r.alive && (t - r.phase) % renewMs === 0 && t >= r.phase).map((r) => r.leases.tick()));
    clock.advance(STEP);
  };
  while (clock.nowMs() - t0 < 12_000) await step();
  const victim = replicas[0];
  // Kill it `offsetMs` (100 to 2000) after its last renewal (its next tick would run at 2000).
  do await step();
  while ((clock.nowMs() - t0 - victim.phase) % renewMs !== offsetMs % renewMs);
  const theirs = victim.leases.owned();
  expect(theirs.length).toBeGreaterThan(0);
  victim.alive = false;
  const killedAt = clock.nowMs();
  const survivors = replicas.slice(1);
  while (!theirs.every((s) => survivors.some((r) => r.leases.holds(s)))) {
    if (clock.nowMs() - killedAt > 30_000) throw new Error('no failover within 30 s');
    await step();
  }
  return clock.nowMs() - killedAt;
}

it('takes a killed replica’s shards over in 8-12 s with the defaults (median ≤ 15 s, max ≤ 20 s)', async () => {
  const seconds: number[] = [];
  for (const offset of [100, 500, 900, 1300, 1700, 2000]) seconds.push((await failoverAfterKillAt(offset)) / 1000);
  const sorted = [...seconds].sort((a, b) => a - b);
  const median = (sorted[2] + sorted[3]) / 2;
  console.log(`failover seconds by time since the victim's last renewal 0.1/0.5/0.9/1.3/1.7/2.0 s: ${seconds.join(', ')}; median ${median}, max ${sorted[5]}`);
  expect(sorted[5]).toBeLessThanOrEqual((leaseMs + renewMs) / 1000);
  expect(median).toBeLessThanOrEqual(15);
  expect(sorted[0]).toBeGreaterThanOrEqual((leaseMs - renewMs) / 1000);
});
