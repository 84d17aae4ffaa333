import { VirtualClock } from '../../util/clock';
import { createCanaryMachine } from '.';
import { describePhase } from './phase';
import type { CanaryInput } from './canary.machine';
import { FakeCanaryWorld, type FakeCanaryOptions } from '../../../test/support/deploy/fake-canary-world';
import { crashAndRestore, runToEnd } from '../../../test/support/deploy/harness';

const input: CanaryInput = {
  fleet: 'shop',
  generation: 2,
  blueGroup: 'shop-v001',
  amiId: 'ami-0a1b2c3d4e5f60002',
  desiredAtStart: 10,
  healthyTimeoutSeconds: 600,
  soakSeconds: 60,
  keepPreviousSeconds: 120,
  drainingSeconds: 30,
  rollbackOnAlarms: [],
  steps: [{ setWeight: 10 }, { pauseSeconds: 300 }, { setWeight: 50 }, { pauseSeconds: 600 }, { setWeight: 100 }],
  onAbort: 'delete',
  analysisIntervalSeconds: 60,
};

function setup(options: Partial<FakeCanaryOptions> = {}) {
  const clock = new VirtualClock();
  const world = new FakeCanaryWorld(clock, { blueGroup: 'shop-v001', blueDesired: 10, bootSeconds: 120, ...options });
  return { clock, world, machine: createCanaryMachine(world) };
}

function sendOnce(when: (s: any) => boolean, event: any) {
  let sent = false;
  return (s: unknown, handle: { actor: { send(e: any): void } }) => {
    if (!sent && when(s)) {
      sent = true;
      handle.actor.send(event);
    }
  };
}

const at = (world: FakeCanaryWorld, op: string) => world.times.find((t) => t.op.startsWith(op))!.atMs;

describe('canary machine', () => {
  it('runs the steps in order, green growing before its weight rises, never serving below desired', async () => {
    const { clock, world, machine } = setup();
    const { result, store } = await runToEnd(machine, { clock, input, kind: 'canary' });
    expect(result.output).toEqual({ status: 'succeeded', greenGroup: 'shop-v002', generation: 2, launchTemplateVersion: 2 });
    expect(world.log).toEqual([
      'createGreenGroup shop-v002',
      'attachGreen shop-v002',
      'scaleGreen 1',
      'setTrafficWeight 10 green=1 blue=9',
      'scaleGreen 5',
      'setTrafficWeight 50 green=5 blue=5',
      'scaleGreen 10',
      'deregisterBlue green=10/10',
      'movePolicies shop-v002',
      'scaleToZero shop-v001',
      'deleteGroup shop-v001',
    ]);
    expect(world.minServing).toBeGreaterThanOrEqual(10);
    expect([...world.groups.keys()]).toEqual(['shop-v002']);
    const phases = [...new Set(store.history.map((r) => describePhase(r.snapshot).phase))];
    expect(phases).toEqual([
      'createLaunchTemplateVersion', 'createGreenGroup', 'attachGreen', 'scaleGreen', 'waitGreen', 'setWeight', 'analyzeStep', 'pause', 'pauseAnalysis',
      'deregisterBlue', 'drainBlue', 'soak', 'movePolicies', 'verifyBeforeScaleIn', 'scaleBlueToZero', 'keepPrevious', 'verifyBeforeDeleteBlue', 'deleteBlue',
      'verifyServing', 'succeeded',
    ]);
    // The step analyses, at weights 10 and 50, and analyses during both pauses.
    expect(world.analyses.filter((a) => a.phase === 'step').map((a) => a.weight)).toEqual([10, 50]);
    expect(world.analyses.filter((a) => a.phase === 'pause').map((a) => a.stepIndex)).toEqual([...Array(4).fill(1), ...Array(9).fill(3)]);
  });

  it('says where it is: step, weight and the instances carrying it', async () => {
    const { clock, machine } = setup();
    const lines: string[] = [];
    await runToEnd(machine, { clock, input, kind: 'canary', onTransition: (s) => lines.push(describePhase(s).message) });
    expect(lines).toContain('canary step 1 of 5, weight 10 % (1 of 10 instances ≈ 10 %); analysing');
    expect(lines.some((l) => l.startsWith('canary step 2 of 5 (pause 300s, ') && l.endsWith('weight 10 % (1 of 10 instances ≈ 10 %)'))).toBe(true);
    expect(lines).toContain('canary step 3 of 5, weight 50 % (5 of 10 instances ≈ 50 %); analysing');
  });

  it('holds each pause for its duration on the virtual clock, analysing every interval', async () => {
    const { clock, world, machine } = setup();
    await runToEnd(machine, { clock, input, kind: 'canary' });
    const firstPause = at(world, 'scaleGreen 5') - at(world, 'setTrafficWeight 10');
    const secondPause = at(world, 'scaleGreen 10') - at(world, 'setTrafficWeight 50');
    expect(firstPause).toBeGreaterThanOrEqual(300_000);
    expect(firstPause).toBeLessThan(300_000 + 30_000);
    expect(secondPause).toBeGreaterThanOrEqual(600_000);
    expect(secondPause).toBeLessThan(600_000 + 30_000);
    const pauseTimes = world.analyses.filter((a) => a.stepIndex === 1).map((a) => a.atMs);
    const gaps = pauseTimes.slice(1).map((t, i) => t - pauseTimes[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(60_000);
  });

  it('aborts on a failing analysis: weight back to blue at once, then green deleted', async () => {
    const { clock, world, machine } = setup({ verdict: (a) => (a.weight === 50 ? 'fail' : 'pass') });
    const { result } = await runToEnd(machine, { clock, input, kind: 'canary' });
    expect(result.output).toMatchObject({ status: 'rolledBack', reason: 'AnalysisFailed' });
    expect((result.output as { message: string }).message).toContain('http-5xx-rate: green 4.0 % > 2 × blue 0.1 % + 0.5 %');
    expect(world.log.slice(-3)).toEqual(['setTrafficWeight 50 green=5 blue=5', 'setTrafficWeight 0 green=0 blue=10', 'deleteGroup shop-v002']);
    expect(world.minServing).toBeGreaterThanOrEqual(10);
    expect([...world.groups.keys()]).toEqual(['shop-v001']);
    expect(world.deregistered.size).toBe(0);
    expect(world.policiesOn).toBe('shop-v001');
  });

  it('keeps green for inspection when onAbort is keep, and an analysis during a pause can abort', async () => {
    const { clock, world, machine } = setup({ verdict: (a) => (a.phase === 'pause' && a.stepIndex === 3 ? 'fail' : 'pass') });
    const { result, store } = await runToEnd(machine, { clock, input: { ...input, onAbort: 'keep' }, kind: 'canary' });
    expect(result.output).toMatchObject({ status: 'rolledBack', reason: 'AnalysisFailed' });
    expect(world.groups.get('shop-v002')?.registered).toBe(false);
    expect(world.kept.get('shop-v002')).toBe('AnalysisFailed');
    expect(world.groups.get('shop-v002')?.desired).toBe(5);
    expect(world.inService(world.groups.get('shop-v001')!)).toHaveLength(10);
    expect(describePhase(store.history[store.history.length - 1]!.snapshot).message).toContain('shop-v002 kept for inspection');
  });

  it('aborts on ABORT and goes straight to weight 100 on PROMOTE --full', async () => {
    const aborted = setup();
    const inPause = (s: any) => describePhase(s).phase === 'pause';
    const { result } = await runToEnd(aborted.machine, { clock: aborted.clock, input, kind: 'canary', onTransition: sendOnce(inPause, { type: 'ABORT' }) });
    expect(result.output).toMatchObject({ status: 'rolledBack', reason: 'Aborted' });
    expect([...aborted.world.groups.keys()]).toEqual(['shop-v001']);

    const promoted = setup();
    const done = await runToEnd(promoted.machine, { clock: promoted.clock, input, kind: 'canary', onTransition: sendOnce(inPause, { type: 'PROMOTE', full: true }) });
    expect(done.result.output).toMatchObject({ status: 'succeeded' });
    expect(promoted.world.log.filter((l) => l.startsWith('scaleGreen'))).toEqual(['scaleGreen 1', 'scaleGreen 10']);
    expect(promoted.world.minServing).toBeGreaterThanOrEqual(10);
  });

  it('restores mid-pause and resumes the pause where it was, not from the start', async () => {
    const probe = setup();
    const { store } = await runToEnd(probe.machine, { clock: probe.clock, input, kind: 'canary' });
    const crashAfter = store.history.findIndex((r) => {
      const ctx = (r.snapshot as { context: { stepIndex: number; pauseStartedAtMs?: number; polls: number } }).context;
      return describePhase(r.snapshot).phase === 'pause' && ctx.stepIndex === 3 && ctx.pauseStartedAtMs !== undefined;
    }) + 5;
    for (const mode of ['beforeEffect', 'afterEffect'] as const) {
      const { clock, world, machine } = setup();
      const { result, crashedAt } = await crashAndRestore(machine, { clock, input, kind: 'canary' }, crashAfter, mode);
      expect(describePhase(crashedAt).phase).toMatch(/^pause/);
      expect(result.output).toMatchObject({ status: 'succeeded' });
      const pause = at(world, 'scaleGreen 10') - at(world, 'setTrafficWeight 50');
      expect(pause).toBeGreaterThanOrEqual(600_000);
      expect(pause).toBeLessThan(600_000 + 30_000);
      expect(world.groupsCreated).toBe(1);
      expect(world.minServing).toBeGreaterThanOrEqual(10);
    }
  });

  it('holds on PAUSE before the next step and carries on after RESUME', async () => {
    const { clock, world, machine } = setup();
    let resumed = false;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'canary',
      onTransition: (s: any, handle) => {
        if (s.context.stepIndex === 1 && !s.context.paused && !resumed && describePhase(s).phase === 'pause') handle.actor.send({ type: 'PAUSE' });
        if (describePhase(s).phase === 'held' && !resumed) {
          resumed = true;
          clock.set(clock.nowMs() + 3_600_000);
          handle.actor.send({ type: 'RESUME' });
        }
      },
    });
    expect(resumed).toBe(true);
    expect(result.output).toMatchObject({ status: 'succeeded' });
    // Held an hour after the first pause, before raising the weight to 50 %.
    expect(at(world, 'scaleGreen 5') - at(world, 'setTrafficWeight 10')).toBeGreaterThanOrEqual(3_600_000);
    expect(world.minServing).toBeGreaterThanOrEqual(10);
  });

  it('analyses an inconclusive weight step again every interval instead of going on, and goes on once it passes', async () => {
    let stepRuns = 0;
    const { clock, world, machine } = setup({ verdict: (a) => (a.phase === 'step' && a.weight === 10 && ++stepRuns < 3 ? 'inconclusive' : 'pass') });
    const { result } = await runToEnd(machine, { clock, input, kind: 'canary' });
    expect(result.output).toMatchObject({ status: 'succeeded' });
    const tries = world.analyses.filter((a) => a.phase === 'step' && a.weight === 10);
    expect(tries.map((a) => a.verdict)).toEqual(['inconclusive', 'inconclusive', 'pass']);
    for (const [i, t] of tries.slice(1).entries()) expect(t.atMs - tries[i]!.atMs).toBeGreaterThanOrEqual(60_000);
    // The pause begins only after the step's analysis passed.
    expect(world.analyses.find((a) => a.phase === 'pause')!.atMs).toBeGreaterThan(tries[2]!.atMs);
  });

  it('holds for an operator when a weight step stays inconclusive, and PROMOTE goes on from there', async () => {
    const { clock, world, machine } = setup({ verdict: (a) => (a.phase === 'step' && a.weight === 10 ? 'inconclusive' : 'pass') });
    let held = '';
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'canary',
      onTransition: (s: any, handle) => {
        if (describePhase(s).phase === 'held' && !held) {
          held = describePhase(s).message;
          handle.actor.send({ type: 'PROMOTE' });
        }
      },
    });
    expect(held).toContain('held: analysis still inconclusive after 5 tries');
    expect(world.analyses.filter((a) => a.phase === 'step' && a.weight === 10)).toHaveLength(6);
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(world.minServing).toBeGreaterThanOrEqual(10);
  });

  it('survives a crash at any sampled save, before or after the step it invoked, with one green and full capacity', async () => {
    const probe = setup({ verdict: (a) => (a.weight === 50 ? 'fail' : 'pass') });
    const { store, result: expected } = await runToEnd(probe.machine, { clock: probe.clock, input, kind: 'canary' });
    const total = store.history.length;
    for (let n = 1; n <= total; n += 7) {
      for (const mode of ['beforeEffect', 'afterEffect'] as const) {
        const { clock, world, machine } = setup({ verdict: (a) => (a.weight === 50 ? 'fail' : 'pass') });
        const { result } = await crashAndRestore(machine, { clock, input, kind: 'canary' }, n, mode);
        expect({ n, mode, output: result.output }).toEqual({ n, mode, output: expected.output });
        expect({ n, mode, created: world.groupsCreated, groups: [...world.groups.keys()], serving: world.minServing >= 10 }).toEqual({
          n, mode, created: 1, groups: ['shop-v001'], serving: true,
        });
      }
    }
  });
});

