/**
 * EC2 is eventually consistent: right after RunInstances or CreateImage, describing the new
 * builder or image can answer NotFound. The chaos soak found bakes failing as BuilderLost
 * this way; "missing" now means gone only after MISSING_GRACE_MS.
 */
import { VirtualClock } from '../../util/clock';
import { MISSING_GRACE_MS, type BakeInput } from './bake.machine';
import { createBakeMachine } from '.';
import { FakeBakeWorld } from '../../../test/support/deploy/fake-bake-world';
import { runToEnd } from '../../../test/support/deploy/harness';

const input: BakeInput = {
  fleet: 'shop', commit: '0123456789abcdef0123456789abcdef01234567', repository: 'git@example.com:shop.git', branch: 'main',
  baseAmi: 'ami-0a1b2c3d4e5f60001', builderInstanceType: 'c5.large', timeoutSeconds: 1800, deploymentId: 'd1',
};

/** The fake world, but new builders and images are not found for `hiddenMs` after they were made. */
function laggingWorld(clock: VirtualClock, hiddenMs: number) {
  const world = new FakeBakeWorld(clock, { buildSeconds: 600, imageSeconds: 300 });
  const madeAt = new Map<string, number>();
  const hidden = (id: string) => clock.nowMs() - (madeAt.get(id) ?? -Infinity) < hiddenMs;
  const ports = {
    findImage: (i: Parameters<FakeBakeWorld['findImage']>[0]) => world.findImage(i),
    readResult: (i: Parameters<FakeBakeWorld['readResult']>[0]) => world.readResult(i),
    terminateBuilder: (i: Parameters<FakeBakeWorld['terminateBuilder']>[0]) => world.terminateBuilder(i),
    async launchBuilder(i: Parameters<FakeBakeWorld['launchBuilder']>[0]) {
      const out = await world.launchBuilder(i);
      if (!madeAt.has(out.instanceId)) madeAt.set(out.instanceId, clock.nowMs());
      return out;
    },
    async createImage(i: Parameters<FakeBakeWorld['createImage']>[0]) {
      const out = await world.createImage(i);
      if (!madeAt.has(out.imageId)) madeAt.set(out.imageId, clock.nowMs());
      return out;
    },
    pollBuilder: async (i: { instanceId: string }) => (hidden(i.instanceId) ? { state: 'missing' as const, nowMs: clock.nowMs() } : world.pollBuilder(i)),
    pollImage: async (i: { imageId: string }) => (hidden(i.imageId) ? { state: 'missing' as const, nowMs: clock.nowMs() } : world.pollImage(i)),
  };
  return { world, machine: createBakeMachine(ports) };
}

describe('bake machine over an eventually consistent EC2', () => {
  it('waits out a builder and an image that are not found right after they were made', async () => {
    const clock = new VirtualClock();
    const { world, machine } = laggingWorld(clock, 30_000);
    const { result } = await runToEnd(machine, { clock, input, kind: 'bake' });
    expect(result.output).toEqual({ status: 'succeeded', imageId: world.images[0].id, reused: false });
    expect(world.builders).toHaveLength(1);
    expect(world.liveBuilders()).toHaveLength(0);
  });

  it('still fails a builder that stays missing past the grace', async () => {
    const clock = new VirtualClock();
    const { machine } = laggingWorld(clock, MISSING_GRACE_MS + 60_000);
    const { result } = await runToEnd(machine, { clock, input, kind: 'bake' });
    expect(result.output).toMatchObject({ status: 'failed', reason: 'BuilderLost' });
  });
});
