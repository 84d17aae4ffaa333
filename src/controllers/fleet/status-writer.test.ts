import type { AppliedStep } from '../../providers/apply';
import type { DeploymentStatus, FleetStatus } from '../../model/fleet-status';
import type { ObservedFleet } from '../../model/observed';
import type { PlanStep } from '../../model/plan';
import { convergedWorld, desiredFleet, emptyWorld, FIXTURE } from '../../../test/support/planner/fixtures';
import type { Readiness } from '../../planner/readiness';
import { DroverError } from '../../util/errors';
import type { ConvergeResult } from './converge';
import { nextFleetStatus } from './status-writer';

const d = desiredFleet();
const T0 = new Date('2026-02-01T10:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

const READY: Readiness = { ready: true, inService: 2, desired: 2, reason: 'Ready', message: '2 of 2 instances of group magento-marketplace-v001 are InService on load balancer magento-elb' };
const WAITING: Readiness = { ready: false, inService: 0, desired: 2, reason: 'WaitingForHealthyInstances', message: '0 of 2 instances are InService' };

function step(kind: PlanStep['kind'], resource: string): AppliedStep {
  return { step: { kind, resource, reason: 'missing', params: {} }, outcome: { status: 'done' } } as unknown as AppliedStep;
}

function result(over: Partial<ConvergeResult> = {}): ConvergeResult {
  return {
    fleet: d.name,
    plan: { fleet: d.name, steps: [] },
    observed: convergedWorld(d),
    applied: [],
    readiness: READY,
    calls: { read: 8, mutating: 0 },
    requeueAfterMs: 300_000,
    ...over,
  };
}

const cond = (s: FleetStatus, type: string) => s.conditions.find((c) => c.type === type)!;
const swap = (over: Partial<DeploymentStatus>): DeploymentStatus => ({
  id: 'magento-marketplace-swap-2', kind: 'swap', phase: 'waitGreenHealthy', result: 'InProgress', startedAt: T0.toISOString(),
  green: { group: 'magento-marketplace-v002', inService: 0, desired: 2 }, blue: { group: 'magento-marketplace-v001', inService: 2, desired: 2 },
  ...over,
});

describe('nextFleetStatus: conditions and phase', () => {
  const failed = new DroverError('launching fleet magento-marketplace: AMI ami-0fff does not exist (InvalidAMIID.NotFound)', { code: 'InvalidAMIID.NotFound', source: 'user' });
  const cases: Array<{ name: string; r: ConvergeResult; dep?: DeploymentStatus; phase: string; ready: string; progressing: string; degraded: string; reason?: string }> = [
    { name: 'converged and healthy', r: result(), phase: 'Ready', ready: 'True', progressing: 'False', degraded: 'False' },
    { name: 'steps applied', r: result({ applied: [step('createLoadBalancer', 'loadBalancer/magento-elb')], readiness: { ...WAITING, reason: 'Progressing' }, observed: emptyWorld(d.name) }), phase: 'Progressing', ready: 'False', progressing: 'True', degraded: 'False', reason: 'StepsApplied' },
    { name: 'waiting on a dependency', r: result({ waiting: { step: step('createMountTarget', 'mountTarget/x').step, reason: 'file system is creating' }, readiness: { ...WAITING, reason: 'WaitingForDependency' } }), phase: 'Progressing', ready: 'False', progressing: 'True', degraded: 'False', reason: 'WaitingForDependency' },
    { name: 'instances still booting', r: result({ readiness: WAITING }), phase: 'Progressing', ready: 'False', progressing: 'True', degraded: 'False', reason: 'WaitingForHealthyInstances' },
    { name: 'a step failed', r: result({ failed: { error: failed }, readiness: { ...WAITING, reason: 'ApplyFailed', message: failed.message } }), phase: 'Degraded', ready: 'False', progressing: 'False', degraded: 'True', reason: 'ApplyFailed' },
    { name: 'deployment in progress', r: result(), dep: swap({}), phase: 'Progressing', ready: 'True', progressing: 'True', degraded: 'False', reason: 'DeploymentInProgress' },
    { name: 'deployment rolled back', r: result(), dep: swap({ result: 'RolledBack', phase: 'rolledBack', reason: 'GreenHealthTimeout', failingInstanceIds: ['i-0abc1234def567890'] }), phase: 'Degraded', ready: 'True', progressing: 'False', degraded: 'True', reason: 'GreenHealthTimeout' },
  ];
  it.each(cases)('$name', ({ r, dep, phase, ready, progressing, degraded, reason }) => {
    const s = nextFleetStatus(undefined, d, r, T0, dep);
    expect(s.phase).toBe(phase);
    expect(cond(s, 'Ready').status).toBe(ready);
    expect(cond(s, 'Progressing').status).toBe(progressing);
    expect(cond(s, 'Degraded').status).toBe(degraded);
    expect(cond(s, 'ManifestValid')).toMatchObject({ status: 'True', reason: 'Valid' });
    if (reason) expect([cond(s, 'Progressing').reason, cond(s, 'Degraded').reason]).toContain(reason);
    expect(s.conditions.map((c) => c.type)).toEqual(['ManifestValid', 'Ready', 'Progressing', 'Degraded']);
  });

  it('puts the failing instance ids of a rolled-back deployment in the Degraded message', () => {
    const s = nextFleetStatus(undefined, d, result(), T0, swap({ result: 'RolledBack', phase: 'rolledBack', failingInstanceIds: ['i-0abc1234def567890', 'i-0abc1234def567891'] }));
    expect(cond(s, 'Degraded').message).toContain('i-0abc1234def567890, i-0abc1234def567891');
    expect(cond(s, 'Degraded').reason).toBe('DeploymentRolledBack');
  });

  it('puts instances that are OutOfService in the Degraded message of a failed step', () => {
    const observed = convergedWorld(d);
    observed.loadBalancer!.instances[1].state = 'OutOfService';
    const s = nextFleetStatus(undefined, d, result({ observed, failed: { error: failed }, readiness: { ...WAITING, reason: 'ApplyFailed' } }), T0);
    expect(cond(s, 'Degraded').message).toBe(`${failed.message}; failing instances: ${observed.loadBalancer!.instances[1].id}`);
  });
});

describe('nextFleetStatus: lastTransitionTime', () => {
  it('keeps lastTransitionTime while a status holds and moves it when the status changes', () => {
    const s1 = nextFleetStatus(undefined, d, result({ readiness: WAITING }), at(0));
    const s2 = nextFleetStatus(s1, d, result({ readiness: { ...WAITING, inService: 1, message: '1 of 2' } }), at(30));
    expect(cond(s2, 'Ready').lastTransitionTime).toBe(at(0).toISOString());
    expect(cond(s2, 'Ready').message).toBe('1 of 2');
    const s3 = nextFleetStatus(s2, d, result(), at(60));
    expect(cond(s3, 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: at(60).toISOString() });
    expect(cond(s3, 'Progressing').lastTransitionTime).toBe(at(60).toISOString());
    expect(cond(s3, 'Degraded').lastTransitionTime).toBe(at(0).toISOString());
    expect(cond(s3, 'ManifestValid').lastTransitionTime).toBe(at(0).toISOString());
    const s4 = nextFleetStatus(s3, d, result(), at(600));
    expect(s4.conditions).toEqual(s3.conditions);
    expect(s4.createdAt).toBe(at(0).toISOString());
    expect(s4.updatedAt).toBe(at(600).toISOString());
  });
});

describe('nextFleetStatus: events', () => {
  it('appends one event per applied step, reason in PascalCase', () => {
    const applied = [step('createLoadBalancer', 'loadBalancer/magento-elb'), step('createFileSystem', 'fileSystem/magento-media')];
    const s = nextFleetStatus(undefined, d, result({ applied, readiness: { ...WAITING, reason: 'Progressing' } }), T0);
    expect(s.events.map((e) => [e.type, e.reason, e.message])).toEqual([
      ['Normal', 'CreateLoadBalancer', 'loadBalancer/magento-elb: missing'],
      ['Normal', 'CreateFileSystem', 'fileSystem/magento-media: missing'],
    ]);
    expect(s.events.every((e) => e.fleet === d.name && e.at === T0.toISOString())).toBe(true);
  });

  it('records becoming Ready once, and nothing while nothing happens', () => {
    const s1 = nextFleetStatus(undefined, d, result({ readiness: WAITING }), at(0));
    expect(s1.events).toEqual([]);
    const s2 = nextFleetStatus(s1, d, result(), at(10));
    const s3 = nextFleetStatus(s2, d, result(), at(20));
    expect(s3.events.map((e) => e.reason)).toEqual(['Ready']);
    const s4 = nextFleetStatus(s3, d, result({ readiness: WAITING }), at(30));
    expect(s4.events.map((e) => [e.type, e.reason])).toEqual([['Normal', 'Ready'], ['Warning', 'NotReady']]);
  });

  it('records a failure as a Warning and folds repeats into a count', () => {
    const error = new DroverError('creating load balancer magento-elb: throttled', { code: 'Throttling', source: 'aws', retryable: true });
    const r = result({ failed: { error }, readiness: { ...WAITING, reason: 'ApplyFailed', message: error.message } });
    const s2 = nextFleetStatus(nextFleetStatus(undefined, d, r, at(0)), d, r, at(30));
    expect(s2.events).toEqual([{ at: at(30).toISOString(), type: 'Warning', reason: 'ApplyFailed', message: error.message, fleet: d.name, count: 2 }]);
  });

  it('records deployment start, phase changes and the result, and keeps history newest first', () => {
    const s1 = nextFleetStatus(undefined, d, result(), at(0), swap({ phase: 'createGreenGroup' }));
    const s2 = nextFleetStatus(s1, d, result(), at(10), swap({ phase: 'waitGreenHealthy' }));
    const s3 = nextFleetStatus(s2, d, result(), at(20), swap({ phase: 'waitGreenHealthy' }));
    const s4 = nextFleetStatus(s3, d, result(), at(30), swap({ phase: 'rolledBack', result: 'RolledBack', failingInstanceIds: ['i-0abc1234def567890'] }));
    expect(s4.events.map((e) => [e.type, e.reason])).toEqual([
      ['Normal', 'SwapStarted'], ['Normal', 'Ready'], ['Normal', 'WaitGreenHealthy'], ['Warning', 'SwapRolledBack'],
    ]);
    expect(s4.events[3].message).toContain('i-0abc1234def567890');
    expect(s4.history.map((h) => h.result)).toEqual(['RolledBack']);
    const s5 = nextFleetStatus(s4, d, result(), at(40));
    expect(s5.deployment?.result).toBe('RolledBack');
    expect(s5.events).toHaveLength(4);
  });

  it('does not record applied steps for a plan (dry run) pass', () => {
    const planned = { fleet: d.name, steps: [step('createLoadBalancer', 'loadBalancer/magento-elb').step] };
    const s = nextFleetStatus(undefined, d, result({ plan: planned, observed: emptyWorld(d.name), readiness: { ...WAITING, reason: 'Converging' } }), T0);
    expect(s.events).toEqual([]);
    expect(s.phase).toBe('Progressing');
  });
});

describe('nextFleetStatus: summaries', () => {
  it('fills spec and observed from the manifest and the world', () => {
    const s = nextFleetStatus(undefined, d, result(), T0);
    expect(s.spec).toMatchObject({ region: 'eu-west-1', ami: FIXTURE.amis[0], instanceType: 't3.medium', min: 2, max: 6, desired: 2, strategy: 'blueGreen', loadBalancer: 'magento-elb', efs: 'magento-media' });
    expect(s.ami).toBe(FIXTURE.amis[0]);
    expect(s.ready).toEqual({ inService: 2, desired: 2 });
    expect(s.observed).toMatchObject({ activeGroup: 'magento-marketplace-v001', fileSystemId: FIXTURE.fileSystemId, launchTemplateId: FIXTURE.launchTemplateId });
    expect(s.observed.groups).toEqual([expect.objectContaining({ name: 'magento-marketplace-v001', color: 'active', inService: 2, instances: 2, ami: FIXTURE.amis[0] })]);
    expect(s.observed.instances.map((i) => [i.color, i.state, i.elbHealth, i.lifecycleState])).toEqual([
      ['active', 'running', 'InService', 'InService'],
      ['active', 'running', 'InService', 'InService'],
    ]);
    expect(s.observed.alarms.length).toBe(2);
  });

  it('colours the newer generation green and the older blue when two groups exist', () => {
    const observed: ObservedFleet = convergedWorld(d);
    const blue = observed.groups[0];
    const greenInstance = { ...blue.instances[0], id: 'i-0000000000000aaa1', lifecycle: 'pending' as const, lifecycleState: 'Pending', launchTemplateVersion: '2' };
    observed.groups.push({ ...blue, name: 'magento-marketplace-v002', generation: 2, launchTemplate: { id: FIXTURE.launchTemplateId, version: '2' }, instances: [greenInstance] });
    observed.launchTemplate!.versionImages = { '1': FIXTURE.amis[0], '2': FIXTURE.amis[1] };
    const s = nextFleetStatus(undefined, d, result({ observed }), T0);
    expect(s.observed.groups.map((g) => [g.name, g.color, g.ami])).toEqual([
      ['magento-marketplace-v001', 'blue', FIXTURE.amis[0]],
      ['magento-marketplace-v002', 'green', FIXTURE.amis[1]],
    ]);
    const green = s.observed.instances.find((i) => i.id === greenInstance.id)!;
    expect(green).toMatchObject({ color: 'green', state: 'pending', elbHealth: '—', ami: FIXTURE.amis[1] });
  });

  it('keeps the last observed summary when observing failed', () => {
    const s1 = nextFleetStatus(undefined, d, result(), at(0));
    const error = new DroverError('describing load balancers: access denied', { code: 'AccessDenied', source: 'aws' });
    const r = result({ observed: emptyWorld(d.name), failed: { error }, readiness: { ready: false, inService: 0, desired: 2, reason: 'ObserveFailed', message: error.message } });
    const s2 = nextFleetStatus(s1, d, r, at(60));
    expect(s2.observed).toEqual(s1.observed);
    expect(s2.observedAt).toBe(at(0).toISOString());
    expect(s2.ami).toBe(FIXTURE.amis[0]);
    expect(cond(s2, 'Degraded')).toMatchObject({ status: 'True', reason: 'ObserveFailed' });
  });
});
