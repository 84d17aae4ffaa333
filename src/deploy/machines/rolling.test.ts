import { readFileSync } from 'fs';
import path from 'path';
import { VirtualClock } from '../../util/clock';
import { createRollingMachine } from '.';
import { describePhase } from './phase';
import type { RollingInput } from './rolling.machine';
import { FakeRollingWorld } from '../../../test/support/deploy/fake-rolling-world';
import { crashAndRestore, metaFor, runToEnd } from '../../../test/support/deploy/harness';
import { driveUntil, flush } from '../../../test/support/deploy/drive';
import { startPersistedActor } from '../persisted-actor';
import { MemorySnapshotStore } from '../snapshot-store';

const input: RollingInput = {
  fleet: 'shop',
  groupName: 'shop-v001',
  amiId: 'ami-0a1b2c3d4e5f60003',
  deploymentId: 'rolling-1',
  minHealthyPercent: 90,
  timeoutSeconds: 3600,
};

function setup(options: { failVersions?: number[]; refreshSeconds?: number; prepareFails?: string } = {}) {
  const clock = new VirtualClock();
  const world = new FakeRollingWorld(clock, { initialVersion: 2, refreshSeconds: 600, ...options });
  return { clock, world, machine: createRollingMachine(world) };
}

describe('rolling machine', () => {
  it('refreshes the group to the new version', async () => {
    const { clock, world, machine } = setup();
    const { result } = await runToEnd(machine, { clock, input, kind: 'rolling' });
    expect(result.output).toEqual({ status: 'succeeded', refreshId: 'refresh-1' });
    expect(world.refreshes).toHaveLength(1);
    expect(world.currentVersion).toBe(3);
  });

  it('rolls back a failed refresh by refreshing to the previous version', async () => {
    const { clock, world, machine } = setup({ failVersions: [3] });
    const { result } = await runToEnd(machine, { clock, input, kind: 'rolling' });
    expect(result.output).toEqual({ status: 'failed', reason: 'RefreshFailed', message: 'instance refresh refresh-1 is Failed', rolledBackTo: 2 });
    expect(world.refreshes.map((r) => r.version)).toEqual([3, 2]);
    expect(world.currentVersion).toBe(2);
  });

  it('rolls back a refresh that outlives its timeout', async () => {
    const { clock, world, machine } = setup({ refreshSeconds: 7200 });
    const { result } = await runToEnd(machine, { clock, input, kind: 'rolling' });
    expect(result.output).toMatchObject({ status: 'failed', reason: 'RefreshTimedOut', rolledBackTo: 2 });
    expect(world.refreshes.map((r) => r.version)).toEqual([3, 2]);
  });

  it('makes the launch template version as its first step, saved before it touches the world', async () => {
    const { clock, world, machine } = setup();
    const { result, store } = await runToEnd(machine, { clock, input, kind: 'rolling' });
    expect(result.output).toEqual({ status: 'succeeded', refreshId: 'refresh-1' });
    expect(describePhase(store.history[0].snapshot).phase).toBe('prepare');
    expect((store.history[0].snapshot as any).context.launchTemplateVersion).toBeUndefined();
    expect([...world.versions]).toEqual([['ami-0a1b2c3d4e5f60003', 3]]);
    expect(world.refreshes.map((r) => r.version)).toEqual([3]);
  });

  it('ends failed with nothing rolled back when the version cannot be made, or on UNDO before it is', async () => {
    const broken = setup({ prepareFails: 'creating launch template version for rolling-1: UnauthorizedOperation' });
    const { result } = await runToEnd(broken.machine, { clock: broken.clock, input, kind: 'rolling' });
    expect(result.output).toEqual({ status: 'failed', reason: 'StepFailed', message: 'creating launch template version for rolling-1: UnauthorizedOperation' });
    expect(broken.world.refreshes).toHaveLength(0);
    const { clock, world, machine } = setup();
    let sent = false;
    const undone = await runToEnd(machine, {
      clock, input, kind: 'rolling',
      onTransition: (s, handle) => {
        if (!sent && describePhase(s).phase === 'prepare') {
          sent = true;
          handle.actor.send({ type: 'UNDO' });
        }
      },
    });
    expect(undone.result.output).toEqual({ status: 'failed', reason: 'Undo', message: 'rollout undo requested' });
    expect(world.refreshes).toHaveLength(0);
  });

  it('finishes a refresh restored from a snapshot saved before the version was a step (versions in the input)', async () => {
    const saved = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'deploy-snapshots-before-step-kit.json'), 'utf8'));
    const waiting = saved.rolling.find((s: any) => JSON.stringify(s.value) === '{"rollout":{"waitRefresh":"wait"}}');
    expect(waiting.context.input).toMatchObject({ launchTemplateVersion: 3, previousVersion: 2 });
    const { clock, world, machine } = setup();
    await world.startInstanceRefresh({ launchTemplateVersion: 3 });
    const handle = startPersistedActor(machine, { store: new MemorySnapshotStore(), key: 'shop', meta: metaFor('rolling', 'shop', clock), clock, snapshot: waiting });
    const result = await driveUntil(clock, handle.done);
    expect(result.output).toEqual({ status: 'succeeded', refreshId: 'refresh-1' });
    expect(world.currentVersion).toBe(3);
    expect(world.versions.size).toBe(0);
  });

  it('rolls back on UNDO', async () => {
    const { clock, world, machine } = setup();
    let sent = false;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'rolling',
      onTransition: (s, handle) => {
        if (!sent && describePhase(s).phase === 'waitRefresh') {
          sent = true;
          handle.actor.send({ type: 'UNDO' });
        }
      },
    });
    expect(result.output).toMatchObject({ status: 'failed', reason: 'Undo', rolledBackTo: 2 });
    expect(world.refreshes.map((r) => r.version)).toEqual([3, 2]);
  });

  it('rolls back on ABORT (drover rollout abort), saying so', async () => {
    const { clock, world, machine } = setup();
    let sent = false;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'rolling',
      onTransition: (s, handle) => {
        if (!sent && describePhase(s).phase === 'waitRefresh') {
          sent = true;
          handle.actor.send({ type: 'ABORT' });
        }
      },
    });
    expect(result.output).toEqual({ status: 'failed', reason: 'Aborted', message: 'rollout abort requested', rolledBackTo: 2 });
    expect(world.refreshes.map((r) => r.version)).toEqual([3, 2]);
  });

  it('PAUSE holds the refresh between batches (its process suspended) past its timeout; RESUME finishes it', async () => {
    const { clock, world, machine } = setup();
    let pausedAt: number | undefined;
    let sent = false;
    const phases: string[] = [];
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'rolling',
      onTransition: (s, h) => {
        const phase = describePhase(s).phase;
        if (phases[phases.length - 1] !== phase) phases.push(phase);
        if (!sent && phase === 'waitRefresh') {
          sent = true;
          h.actor.send({ type: 'PAUSE' });
        }
        if (phase === 'paused' && pausedAt === undefined) {
          pausedAt = clock.nowMs();
          // Held two hours, twice the refresh's timeout (3600 s): the time held does not count.
          void clock.sleep(7_200_000).then(() => h.actor.send({ type: 'RESUME' }));
        }
      },
    });
    expect(result.output).toEqual({ status: 'succeeded', refreshId: 'refresh-1' });
    expect(world.holds).toEqual([true, false]);
    expect(world.refreshes).toHaveLength(1);
    expect(phases).toEqual(expect.arrayContaining(['suspendRefresh', 'paused', 'resumeRefresh']));
    expect(clock.nowMs() - pausedAt!).toBeGreaterThanOrEqual(7_200_000);
  });

  it('ABORT while paused resumes the refresh process, then rolls back', async () => {
    const { clock, world, machine } = setup();
    let paused = false;
    let aborted = false;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'rolling',
      onTransition: (s, h) => {
        const phase = describePhase(s).phase;
        if (!paused && phase === 'waitRefresh') {
          paused = true;
          h.actor.send({ type: 'PAUSE' });
        }
        if (!aborted && phase === 'paused') {
          aborted = true;
          h.actor.send({ type: 'ABORT' });
        }
      },
    });
    expect(result.output).toEqual({ status: 'failed', reason: 'Aborted', message: 'rollout abort requested', rolledBackTo: 2 });
    expect(world.holds).toEqual([true, false]);
    expect(world.refreshes.map((r) => r.version)).toEqual([3, 2]);
  });

  it('a pause survives a restart: restored from the snapshot saved while paused, it holds until RESUME, then succeeds', async () => {
    const { clock, world, machine } = setup();
    const store = new MemorySnapshotStore();
    let sent = false;
    let reachedPause!: () => void;
    const paused = new Promise<void>((resolve) => (reachedPause = resolve));
    const first = startPersistedActor(machine, {
      store, key: 'shop', meta: metaFor('rolling', 'shop', clock), clock, input,
      onTransition: (s) => {
        const phase = describePhase(s).phase;
        if (!sent && phase === 'waitRefresh') {
          sent = true;
          first.actor.send({ type: 'PAUSE' });
        }
        if (phase === 'paused') reachedPause();
      },
    });
    await driveUntil(clock, paused);
    await flush();
    first.actor.stop();
    const saved = store.history.filter((r) => describePhase(r.snapshot).phase === 'paused').pop()!;
    const restored = startPersistedActor(machine, { store: new MemorySnapshotStore(), key: 'shop', meta: metaFor('rolling', 'shop', clock), clock, snapshot: saved.snapshot as never });
    clock.advance(3 * 3_600_000);
    expect(describePhase(restored.actor.getSnapshot()).phase).toBe('paused');
    expect(world.holds).toEqual([true]);
    restored.actor.send({ type: 'RESUME' });
    const result = await driveUntil(clock, restored.done);
    expect(result.output).toEqual({ status: 'succeeded', refreshId: 'refresh-1' });
    expect(world.holds).toEqual([true, false]);
    expect(world.refreshes).toHaveLength(1);
  });

  it('restored from any saved snapshot, starts one refresh and succeeds', async () => {
    const happy = setup();
    const { store } = await runToEnd(happy.machine, { clock: happy.clock, input, kind: 'rolling' });
    const total = store.history.length;
    for (let n = 1; n <= total * 2; n++) {
      const { clock, world, machine } = setup();
      const { result } = await crashAndRestore(machine, { clock, input, kind: 'rolling' }, ((n - 1) % total) + 1, n > total ? 'afterEffect' : 'beforeEffect');
      expect({ n, output: result.output, refreshes: world.refreshes.length, versions: world.versions.size }).toEqual({
        n, output: { status: 'succeeded', refreshId: 'refresh-1' }, refreshes: 1, versions: 1,
      });
    }
  });

  it('does not report Succeeded while the refreshed group is short of N/N, and does once it serves', async () => {
    const { clock, world, machine } = setup();
    world.serving = { desired: 2, inService: 1 };
    const start = clock.nowMs();
    clock.onAdvance((now) => {
      if (now - start >= 900_000) world.serving = { desired: 2, inService: 2 };
    });
    const { result } = await runToEnd(machine, { clock, input, kind: 'rolling' });
    expect(result.output).toEqual({ status: 'succeeded', refreshId: 'refresh-1' });
    expect(clock.nowMs() - start).toBeGreaterThanOrEqual(900_000);
  });

  it('ends failed naming the group when it vanished, without refreshing anything back', async () => {
    const { clock, world, machine } = setup();
    world.gone = true;
    const { result } = await runToEnd(machine, { clock, input, kind: 'rolling' });
    expect(result.output).toEqual({ status: 'failed', reason: 'GroupMissing', message: 'group shop-v001 is missing' });
    expect(world.refreshes).toHaveLength(1);
  });
});
