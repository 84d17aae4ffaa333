import type { ObservedFleet } from '../model/observed';
import { convergedWorld, desiredFleet, emptyWorld } from './fixtures';
import { isFleetGone, planDeletion } from './plan-deletion';

const kinds = (o: ObservedFleet) => planDeletion(o).steps.map((s) => `${s.kind} ${s.resource}`);

describe('planDeletion (pure)', () => {
  const d = desiredFleet();
  const world = () => convergedWorld(d);

  it('first lets instances go: hooks deleted, the group scaled to 0/0; nothing after the group yet', () => {
    const w = world();
    w.groups[0].lifecycleHooks = [{ name: 'drover-terminating', transition: 'terminating', heartbeatTimeoutSeconds: 90, defaultResult: 'CONTINUE' }];
    const steps = planDeletion(w).steps;
    expect(steps[0]).toMatchObject({ kind: 'deleteLifecycleHook', params: { groupName: w.groups[0].name, name: 'drover-terminating' } });
    expect(steps[1]).toMatchObject({ kind: 'updateAutoScalingGroup', params: { name: w.groups[0].name, min: 0, desired: 0 } });
    expect(steps.some((s) => ['deleteAutoScalingGroup', 'deleteLaunchTemplate', 'deleteLoadBalancer', 'deleteFileSystem'].includes(s.kind))).toBe(false);
  });

  it('deletes a group only once its instances are gone, then the template, alarms and load balancer, then storage', () => {
    const w = world();
    Object.assign(w.groups[0], { min: 0, desired: 0 });
    expect(kinds(w).filter((k) => k.startsWith('deleteAutoScalingGroup'))).toEqual([]);
    w.groups[0].instances = [];
    expect(kinds(w)).toContain(`deleteAutoScalingGroup autoScalingGroup/${w.groups[0].name}`);
    w.groups = [];
    w.policies = [];
    const after = kinds(w);
    expect([...new Set(after.map((k) => k.split(' ')[0]))]).toEqual(['deleteLaunchTemplate', 'deleteAlarm', 'deleteLoadBalancer']);
    expect(after.some((k) => k.startsWith('deleteLaunchTemplate'))).toBe(true);
    expect(after.some((k) => k.startsWith('deleteLoadBalancer'))).toBe(true);
    expect(after.some((k) => k.startsWith('deleteMountTarget'))).toBe(false);
    delete w.loadBalancer;
    delete w.launchTemplate;
    w.alarms = [];
    const storage = planDeletion(w).steps.map((s) => s.kind);
    if (w.fileSystem) {
      // Mount targets first; the file system only when none is left (EFS answers FileSystemInUse).
      expect(storage.filter((k) => k === 'deleteFileSystem')).toEqual(w.fileSystem.mountTargets.length ? [] : ['deleteFileSystem']);
    }
  });

  it('plans nothing and reports gone for an empty world; never touches what lacks the fleet tags', () => {
    expect(planDeletion(emptyWorld(d.name)).steps).toEqual([]);
    expect(isFleetGone(emptyWorld(d.name))).toBe(true);
    const w = world();
    const foreign = { 'drover:fleet': 'other', 'drover:managed-by': 'drover' };
    w.groups = w.groups.map((g) => ({ ...g, tags: foreign }));
    w.loadBalancer = { ...w.loadBalancer!, tags: {} };
    w.launchTemplate = { ...w.launchTemplate!, tags: foreign };
    w.alarms = w.alarms.map((a) => ({ ...a, tags: {} }));
    delete w.fileSystem;
    delete w.efsSecurityGroup;
    expect(planDeletion(w).steps).toEqual([]);
    expect(isFleetGone(w)).toBe(true);
  });
});
