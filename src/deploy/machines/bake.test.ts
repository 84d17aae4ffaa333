import { VirtualClock } from '../../util/clock';
import type { BakeInput } from './bake.machine';
import { createBakeMachine } from '.';
import { describePhase } from './phase';
import { FakeBakeWorld, type FakeBakeOptions } from '../../../test/support/deploy/fake-bake-world';
import { crashAndRestore, runToEnd } from '../../../test/support/deploy/harness';

const input: BakeInput = {
  fleet: 'shop',
  commit: '0123456789abcdef0123456789abcdef01234567',
  repository: 'git@example.com:shop.git',
  branch: 'main',
  baseAmi: 'ami-0a1b2c3d4e5f60001',
  builderInstanceType: 'c5.large',
  timeoutSeconds: 1800,
  deploymentId: 'd1',
};

function setup(options: FakeBakeOptions = {}) {
  const clock = new VirtualClock();
  const world = new FakeBakeWorld(clock, { buildSeconds: 600, imageSeconds: 300, ...options });
  return { clock, world, machine: createBakeMachine(world) };
}

describe('bake machine', () => {
  it('bakes an image, then terminates the builder', async () => {
    const { clock, world, machine } = setup();
    const start = clock.nowMs();
    const { result, store } = await runToEnd(machine, { clock, input, kind: 'bake' });
    expect(result.status).toBe('done');
    expect(result.output).toEqual({ status: 'succeeded', imageId: world.images[0].id, reused: false });
    expect(world.builders).toHaveLength(1);
    expect(world.liveBuilders()).toHaveLength(0);
    expect(world.images).toHaveLength(1);
    expect(clock.nowMs() - start).toBeGreaterThanOrEqual(900_000);
    const phases = store.history.map((r) => describePhase(r.snapshot).phase);
    expect([...new Set(phases)]).toEqual([
      'findExistingImage', 'launchBuilder', 'waitBuilderStopped', 'readResult', 'createImage', 'waitImageAvailable', 'terminateBuilder', 'succeeded',
    ]);
    expect(world.calls.indexOf('createImage')).toBeLessThan(world.calls.indexOf('terminateBuilder'));
  });

  it('reuses an image already baked for the commit and launches nothing', async () => {
    const { clock, world, machine } = setup();
    world.images.push({ id: 'ami-existing', fleet: 'shop', commit: input.commit, name: 'x', readyAtMs: 0, fails: false });
    const { result } = await runToEnd(machine, { clock, input, kind: 'bake' });
    expect(result.output).toEqual({ status: 'succeeded', imageId: 'ami-existing', reused: true });
    expect(world.calls).not.toContain('launchBuilder');
  });

  it('fails a broken build with the console message, terminating the builder and creating no image', async () => {
    const { clock, world, machine } = setup({ outcome: 'failure', failureMessage: 'composer install exited 1' });
    const { result } = await runToEnd(machine, { clock, input, kind: 'bake' });
    expect(result.output).toEqual({ status: 'failed', reason: 'BuildFailed', message: 'composer install exited 1' });
    expect(world.liveBuilders()).toHaveLength(0);
    expect(world.images).toHaveLength(0);
    expect(world.calls).not.toContain('createImage');
  });

  it('times out a builder that never stops, measured on the injected clock', async () => {
    const { clock, world, machine } = setup({ outcome: 'hang' });
    const start = clock.nowMs();
    const { result } = await runToEnd(machine, { clock, input, kind: 'bake' });
    expect(result.output).toMatchObject({ status: 'failed', reason: 'BuildTimedOut' });
    expect(clock.nowMs() - start).toBeGreaterThan(1800_000);
    expect(clock.nowMs() - start).toBeLessThan(1800_000 + 60_000);
    expect(world.liveBuilders()).toHaveLength(0);
    expect(world.images).toHaveLength(0);
  });

  it('aborts on request through terminateBuilder', async () => {
    const { clock, world, machine } = setup();
    let sent = false;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'bake',
      onTransition: (s, handle) => {
        if (!sent && describePhase(s).phase === 'waitBuilderStopped') {
          sent = true;
          handle.actor.send({ type: 'ABORT', reason: 'superseded by a newer commit' });
        }
      },
    });
    expect(result.output).toEqual({ status: 'failed', reason: 'Aborted', message: 'bake aborted: superseded by a newer commit' });
    expect(world.builders).toHaveLength(1);
    expect(world.liveBuilders()).toHaveLength(0);
  });

  it('a step that fails for good still terminates the builder', async () => {
    const { clock, world } = setup();
    const ports = Object.create(world) as FakeBakeWorld;
    ports.createImage = async () => {
      throw new Error('creating image for fleet shop: InvalidParameterValue');
    };
    const { result } = await runToEnd(createBakeMachine(ports), { clock, input, kind: 'bake' });
    expect(result.output).toEqual({ status: 'failed', reason: 'StepFailed', message: 'creating image for fleet shop: InvalidParameterValue' });
    expect(world.liveBuilders()).toHaveLength(0);
  });

  it('retries a retryable step error with backoff instead of failing', async () => {
    const { clock, world } = setup();
    const ports = Object.create(world) as FakeBakeWorld;
    let failures = 2;
    ports.launchBuilder = async (i) => {
      if (failures-- > 0) throw Object.assign(new Error('RequestLimitExceeded'), { retryable: true });
      return world.launchBuilder(i);
    };
    const { result } = await runToEnd(createBakeMachine(ports), { clock, input, kind: 'bake' });
    expect(result.output).toMatchObject({ status: 'succeeded', reused: false });
    expect(world.builders).toHaveLength(1);
  });

  it('restored from any saved snapshot, finishes the same way with one builder and one image', async () => {
    const happy = setup();
    const { result: expected, store } = await runToEnd(happy.machine, { clock: happy.clock, input, kind: 'bake' });
    const total = store.history.length;
    expect(total).toBeGreaterThan(10);
    for (let n = 1; n <= total * 2; n++) {
      const { clock, world, machine } = setup();
      const mode = n > total ? 'afterEffect' : 'beforeEffect';
      const { result } = await crashAndRestore(machine, { clock, input, kind: 'bake' }, ((n - 1) % total) + 1, mode);
      expect({ n, output: result.output }).toEqual({ n, output: { ...(expected.output as object), imageId: world.images[0]?.id } });
      expect({ n, builders: world.builders.length, live: world.liveBuilders().length, images: world.images.length }).toEqual({ n, builders: 1, live: 0, images: 1 });
    }
  });

  it('restored mid-failure still terminates the builder', async () => {
    const failing = setup({ outcome: 'failure' });
    const { store } = await runToEnd(failing.machine, { clock: failing.clock, input, kind: 'bake' });
    const total = store.history.length;
    for (let n = 1; n <= total * 2; n++) {
      const { clock, world, machine } = setup({ outcome: 'failure' });
      const mode = n > total ? 'afterEffect' : 'beforeEffect';
      const { result } = await crashAndRestore(machine, { clock, input, kind: 'bake' }, ((n - 1) % total) + 1, mode);
      expect({ n, reason: (result.output as { reason?: string }).reason, live: world.liveBuilders().length }).toEqual({ n, reason: 'BuildFailed', live: 0 });
    }
  });
});
