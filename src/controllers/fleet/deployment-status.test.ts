import type { ObservedFleet, ObservedGroup } from '../../model/observed';
import { deploymentStatus, servingDesired, type DeploymentView } from './deployment-status';

type Lifecycle = ObservedGroup['instances'][number]['lifecycle'];

function group(name: string, instances: Array<[string, Lifecycle]>): ObservedGroup {
  return { name, instances: instances.map(([id, lifecycle]) => ({ id, lifecycle, lifecycleState: lifecycle, healthStatus: 'Healthy', availabilityZone: 'eu-west-1a' })) } as unknown as ObservedGroup;
}

function observed(groups: ObservedGroup[], inLb: string[], outOfLb: string[] = []): ObservedFleet {
  const instances = [...inLb.map((id) => ({ id, state: 'InService' as const })), ...outOfLb.map((id) => ({ id, state: 'OutOfService' as const }))];
  return { name: 'shop', groups, loadBalancer: { instances }, alarms: [], policies: [], conflicts: [], readCalls: 0 } as unknown as ObservedFleet;
}

const view: DeploymentView = {
  id: 'shop-swap-2', kind: 'swap', startedAt: '2026-01-01T00:00:00.000Z',
  input: { fleet: 'shop', generation: 2, blueGroup: 'shop-v001', desiredAtStart: 2 },
  phase: { phase: 'waitGreenHealthy', path: 'rollout.waitGreenHealthy', final: false, waiting: true, message: 'waiting' },
};

describe('deploymentStatus timeline samples', () => {
  it('counts green booting (launched, not InService at the LB) and blue draining (running, out of the LB)', () => {
    const world = observed([
      group('shop-v001', [['b1', 'inService'], ['b2', 'terminating'], ['b3', 'terminated']]),
      group('shop-v002', [['g1', 'inService'], ['g2', 'pending'], ['g3', 'inService'], ['g4', 'terminating']]),
    ], ['b1', 'g1'], ['g3', 'b2']);
    const s = deploymentStatus(view, world, new Date('2026-01-01T00:01:00.000Z'));
    expect(s.timeline).toEqual([{ at: '2026-01-01T00:01:00.000Z', blueInService: 1, greenInService: 1, desired: 2, phase: 'waitGreenHealthy', greenBooting: 2, blueDraining: 1 }]);
  });

  it('leaves the fields out when nothing is in transit', () => {
    const world = observed([group('shop-v001', [['b1', 'inService'], ['b2', 'inService']]), group('shop-v002', [])], ['b1', 'b2']);
    const s = deploymentStatus(view, world, new Date('2026-01-01T00:01:00.000Z'));
    expect(s.timeline![0]).not.toHaveProperty('greenBooting');
    expect(s.timeline![0]).not.toHaveProperty('blueDraining');
  });

  it('records the canary weight on each sample, so the timeline draws weight steps where they happened', () => {
    const world = observed([group('shop-v001', [['b1', 'inService'], ['b2', 'inService']]), group('shop-v002', [['g1', 'inService']])], ['b1', 'g1']);
    const canary: DeploymentView = { ...view, kind: 'canary', input: { ...view.input, steps: [{ setWeight: 50 }, { setWeight: 100 }] } };
    const at = (phase: string, weight: number, t: string, prev?: ReturnType<typeof deploymentStatus>) =>
      deploymentStatus({ ...canary, phase: { ...view.phase, phase }, context: { stepIndex: 0, weight, traffic: { greenServing: weight ? 1 : 0, approximate: true } } }, world, new Date(t), prev);
    const first = at('waitGreen', 0, '2026-01-01T00:01:00.000Z');
    const second = at('analyzeStep', 50, '2026-01-01T00:01:10.000Z', first);
    expect(second.timeline!.map((p) => [p.phase, p.weight])).toEqual([['waitGreen', 0], ['analyzeStep', 50]]);
    expect(deploymentStatus(view, world, new Date('2026-01-01T00:01:00.000Z')).timeline![0]).not.toHaveProperty('weight');
  });

  it('keeps only the first and the newest of a run of equal samples, so a long wait does not push the swap out', () => {
    const world = observed([group('shop-v001', []), group('shop-v002', [['g1', 'inService'], ['g2', 'inService']])], ['g1', 'g2']);
    const keep = { ...view, phase: { ...view.phase, phase: 'keepPrevious' } };
    let s = deploymentStatus(view, observed([group('shop-v001', [['b1', 'inService']]), group('shop-v002', [])], ['b1']), new Date('2026-01-01T00:00:00.000Z'));
    for (let i = 1; i <= 500; i++) s = deploymentStatus(keep, world, new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 10_000), s);
    expect(s.timeline!.map((p) => `${p.at.slice(11, 19)} ${p.phase}`)).toEqual(['00:00:00 waitGreenHealthy', '00:00:10 keepPrevious', '01:23:20 keepPrevious']);
  });

  it("records the serving group's desired capacity as AWS reports it: blue's until cut-over, green's after", () => {
    const sized = (name: string, desired: number, ids: string[]) => ({ ...group(name, ids.map((id) => [id, 'inService'])), desired }) as ObservedGroup;
    const sample = (phase: string, blue: number, green: number, t: number, prev?: ReturnType<typeof deploymentStatus>) =>
      deploymentStatus({ ...view, phase: { ...view.phase, phase } }, observed([sized('shop-v001', blue, ['b1', 'b2', 'b3'].slice(0, blue)), sized('shop-v002', green, ['g1', 'g2'])], ['b1']),
        new Date(Date.parse(view.startedAt) + t * 1000), prev);
    // desiredAtStart is 2; blue's own scaling takes it to 3, then 1; green was made at 2 and keeps it.
    let s = sample('waitGreenHealthy', 2, 2, 10);
    s = sample('waitGreenHealthy', 3, 2, 20, s);
    s = sample('waitGreenHealthy', 1, 2, 30, s);
    s = sample('drainBlue', 1, 2, 40, s);
    s = sample('keepPrevious', 0, 2, 50, s);
    s = sample('restoreBlue', 0, 2, 60, s);
    s = sample('waitBlueHealthy', 2, 2, 70, s);
    expect(s.timeline!.map((p) => `${p.phase} ${p.desired}`)).toEqual([
      'waitGreenHealthy 2', 'waitGreenHealthy 3', 'waitGreenHealthy 1', 'drainBlue 2', 'keepPrevious 2', 'restoreBlue 2', 'waitBlueHealthy 2',
    ]);
  });

  it("takes the other group's desired when the serving one shows none, and blue's at the start when neither does", () => {
    expect(servingDesired({ phase: 'waitGreenHealthy' }, 4)).toBe(4);
    expect(servingDesired({ phase: 'soak', blue: { group: 'b', inService: 0, desired: 3 }, green: { group: 'g', inService: 0, desired: 0 } }, 4)).toBe(3);
    expect(servingDesired({ phase: 'pause', blue: { group: 'b', inService: 0, desired: 0 }, green: { group: 'g', inService: 0, desired: 5 } }, 4)).toBe(5);
  });
});
