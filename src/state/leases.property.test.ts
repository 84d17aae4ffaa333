/**
 * Never two owners of a shard at any instant: replicas tick concurrently against one dynalite
 * table while fast-check interleaves clock jumps (pauses past the lease), kills, joins and
 * partial progress of in-flight renewals. Checked at every clock move, at every gain, and
 * after every command; at the end every shard has exactly one owner again.
 */
import fc from 'fast-check';
import { DynamoLeaseTable } from './dynamo/lease-table';
import { ShardLeases } from './leases';
import { VirtualClock } from '../util/clock';
import { useDynalite } from '../../test/support/dynalite';

const db = useDynalite();

const SHARDS = 8;
const SETTINGS = { shards: SHARDS, leaseMs: 10_000, renewMs: 2_000, marginMs: 2_000 };

type Command =
  | { kind: 'tick'; replica: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'progress'; steps: number }
  | { kind: 'kill'; replica: number }
  | { kind: 'pause'; replica: number }
  | { kind: 'resume'; replica: number }
  | { kind: 'join' }
  | { kind: 'settle' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('tick' as const), replica: fc.nat(5) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 2_500 }), fc.integer({ min: 7_000, max: 14_000 })) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('progress' as const), steps: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('kill' as const), replica: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause' as const), replica: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resume' as const), replica: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'join' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'settle' as const }) },
);

interface Replica {
  leases: ShardLeases;
  state: 'running' | 'paused' | 'dead';
  inFlight?: Promise<void>;
}

async function runScenario(commands: Command[]): Promise<string[]> {
  const clock = new VirtualClock(Date.UTC(2026, 11, 4, 9));
  const base = await db.table(clock);
  const replicas: Replica[] = [];
  const violations: string[] = [];
  const check = (when: string) => {
    for (let s = 0; s < SHARDS; s++) {
      const owners = replicas.filter((r) => r.leases.holds(s)).map((r) => r.leases.id);
      if (owners.length > 1) violations.push(`${when} at ${clock.nowMs()}: shard ${s} held by ${owners.join(' and ')}`);
    }
  };
  clock.onAdvance(() => check('clock move'));
  const join = () => {
    const id = `r${replicas.length}`;
    const leases = new ShardLeases({
      table: new DynamoLeaseTable({ ...base, client: db.client() }),
      clock,
      id,
      settings: SETTINGS,
      onGained: (shard) => {
        for (const o of replicas) if (o.leases.id !== id && o.leases.holds(shard)) violations.push(`gain at ${clock.nowMs()}: ${id} took shard ${shard} while ${o.leases.id} holds it`);
      },
    });
    replicas.push({ leases, state: 'running' });
  };
  const start = (r: Replica) => {
    r.inFlight ??= r.leases.tick().catch((err: unknown) => {
      violations.push(`tick of ${r.leases.id} threw: ${String(err)}`);
    }).finally(() => (r.inFlight = undefined));
  };
  const settle = () => Promise.all(replicas.map((r) => r.inFlight));
  for (let i = 0; i < 3; i++) join();
  for (const c of commands) {
    const r = 'replica' in c ? replicas[c.replica % replicas.length] : undefined;
    if (c.kind === 'tick' && r?.state === 'running') start(r);
    if (c.kind === 'advance') clock.advance(c.ms);
    if (c.kind === 'progress') for (let i = 0; i < c.steps * 3; i++) await new Promise((resolve) => setImmediate(resolve));
    if (c.kind === 'kill' && r) r.state = 'dead';
    if (c.kind === 'pause' && r?.state === 'running') r.state = 'paused';
    if (c.kind === 'resume' && r?.state === 'paused') r.state = 'running';
    if (c.kind === 'join' && replicas.length < 6) join();
    if (c.kind === 'settle') await settle();
    check(c.kind);
  }
  // Liveness: with the survivors running, every shard ends up with exactly one owner.
  await settle();
  for (const r of replicas) if (r.state === 'paused') r.state = 'running';
  if (replicas.every((r) => r.state === 'dead')) join();
  for (let i = 0; i < 12; i++) {
    for (const r of replicas) if (r.state === 'running') start(r);
    await settle();
    clock.advance(SETTINGS.renewMs);
  }
  for (const r of replicas) if (r.state === 'running') start(r);
  await settle();
  for (let s = 0; s < SHARDS; s++) {
    const owners = replicas.filter((r) => r.leases.holds(s));
    if (owners.length !== 1) violations.push(`after settling: shard ${s} has ${owners.length} owners`);
  }
  return violations;
}

describe('shard leases under random interleavings', () => {
  it('never lets two replicas hold one shard at the same instant, and converges afterwards', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 20, maxLength: 60 }), async (commands) => {
        expect(await runScenario(commands)).toEqual([]);
      }),
      { numRuns: 12, seed: 20261204 },
    );
  });
});
