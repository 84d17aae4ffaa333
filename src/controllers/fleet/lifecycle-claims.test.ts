/**
 * Lifecycle actions with many replicas (issue 13): the action is claimed in the shared state
 * store, so when two replicas receive it exactly one completes it; a claim whose holder died
 * goes stale, and the fleet owner's sweep takes it over and completes it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ActionRef, LifecycleActionsPort, WaitingInstance } from '../../providers/autoscaling/lifecycle-actions';
import { flush } from '../../../test/support/deploy/drive';
import { createMemoryLogger } from '../../log/logger';
import { desiredFleet } from '../../../test/support/planner/fixtures';
import { LocalStateStore } from '../../state/local/local-store';
import { VirtualClock } from '../../util/clock';
import { LifecycleHookHandler } from './lifecycle-hooks';

const fleet = desiredFleet(); // warm-up 20 s; hook heartbeat 300 s, so a claim is stale after 300 s
const launch = { groupName: 'magento-marketplace-v001', hookName: 'drover-launching', instanceId: 'i-0123456789abcdef0', transition: 'launching' as const, token: 'tok-1', heartbeatTimeout: 300 };

function world() {
  const clock = new VirtualClock();
  const t0 = clock.nowMs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-claims-'));
  const store = new LocalStateStore(dir);
  const completions: Array<{ holder: string; ref: ActionRef; atMs: number }> = [];
  const waiting: WaitingInstance[] = [{ groupName: launch.groupName, instanceId: launch.instanceId, transition: 'launching' }];
  const replica = (holder: string) => {
    const port: LifecycleActionsPort = {
      instanceState: async () => (clock.nowMs() - t0 >= 45_000 ? 'running' : 'pending'),
      elbHealth: async () => ({ registered: false, state: 'OutOfService', draining: false }),
      complete: async (ref) => {
        completions.push({ holder, ref, atMs: clock.nowMs() - t0 });
        return true;
      },
      heartbeat: async () => true,
      waitingInstances: async () => waiting,
    };
    const logger = createMemoryLogger();
    return { logger, handler: new LifecycleHookHandler({ port, clock, logger, pollMs: 5_000, claims: { store, holder } }) };
  };
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 1_000) {
      await flush();
      clock.advance(1_000);
    }
    await flush();
  };
  return { clock, dir, store, completions, replica, run };
}

it('completes an action received by two replicas exactly once', async () => {
  const w = world();
  const a = w.replica('r-a');
  const b = w.replica('r-b');
  a.handler.handle(fleet, launch);
  b.handler.handle(fleet, launch);
  await w.run(120_000);
  expect(w.completions.map((c) => c.holder)).toEqual(['r-a']);
  expect(b.logger.records.some((r) => r.event === 'lifecycle.action_duplicate' && String(r.msg).includes('by replica r-a'))).toBe(true);
  const [claim] = await w.store.listLifecycleClaims(launch.groupName);
  expect(claim).toMatchObject({ holder: 'r-a', instance: launch.instanceId, transition: 'launching' });
  expect(claim.completedAtMs).toBeDefined();
  // A redelivery later changes nothing.
  b.handler.handle(fleet, launch);
  await w.run(60_000);
  expect(w.completions).toHaveLength(1);
  fs.rmSync(w.dir, { recursive: true, force: true });
});

it('lets the owner’s sweep take over a claim whose holder died, once it is stale', async () => {
  const w = world();
  const a = w.replica('r-a');
  const owner = w.replica('r-b');
  a.handler.handle(fleet, launch);
  await w.run(10_000);
  await a.handler.stop(); // r-a dies holding the claim, before answering
  await owner.handler.sweep(fleet);
  await w.run(100_000);
  expect(w.completions).toEqual([]); // still r-a's claim: not stale yet
  await w.run(200_000);
  await owner.handler.sweep(fleet);
  await w.run(60_000);
  expect(w.completions.map((c) => c.holder)).toEqual(['r-b']);
  const [claim] = await w.store.listLifecycleClaims(launch.groupName);
  expect(claim).toMatchObject({ holder: 'r-b' });
  expect(claim.completedAtMs).toBeDefined();
  fs.rmSync(w.dir, { recursive: true, force: true });
});
