import type { ObservedFleet, ObservedImage } from '../model/observed';
import { convergedWorld, desiredFleet, emptyWorld } from '../../test/support/planner/fixtures';
import { deletionReadiness, isFleetGone, planDeletion } from './plan-deletion';

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

  describe('baked images', () => {
    const owned = { 'drover:fleet': d.name, 'drover:managed-by': 'drover' };
    const image = (id: string, tags: Record<string, string> = owned, state: ObservedImage['state'] = 'available') => ({
      id,
      name: `drover-${d.name}-${id}`,
      state,
      createdAt: '2026-12-01T00:00:00.000Z',
      snapshotIds: [`snap-${id}`],
      tags,
    });
    const emptyWithImages = () => {
      const w = emptyWorld(d.name);
      w.images = [image('ami-1'), image('ami-2'), image('ami-x', { ...owned, 'drover:fleet': 'other' }), image('ami-u', {})];
      return w;
    };

    it('with images set, deregisters only the fleet-tagged ones, and only once nothing else of the fleet is left', () => {
      const w = world();
      w.images = emptyWithImages().images;
      expect(kinds(w).some((k) => k.startsWith('deregisterImage'))).toBe(false);
      expect(isFleetGone(w, { images: true })).toBe(false);
      const gone = emptyWithImages();
      const steps = planDeletion(gone, { images: true }).steps;
      expect(steps.map((s) => `${s.kind} ${s.resource}`)).toEqual(['deregisterImage image/ami-1', 'deregisterImage image/ami-2']);
      expect(steps[0].params).toEqual({ imageId: 'ami-1', imageName: `drover-${d.name}-ami-1`, snapshotIds: ['snap-ami-1'] });
      expect(isFleetGone(gone, { images: true })).toBe(false);
      expect(planDeletion(gone, { images: true }).notes).toBeUndefined();
    });

    it('waits on a pending image; reports gone once no fleet image is left', () => {
      const w = emptyWorld(d.name);
      w.images = [image('ami-p', owned, 'pending')];
      expect(planDeletion(w, { images: true }).steps).toEqual([]);
      expect(isFleetGone(w, { images: true })).toBe(false);
      w.images = [image('ami-x', { ...owned, 'drover:fleet': 'other' })];
      expect(isFleetGone(w, { images: true })).toBe(true);
    });

    it('without images set, keeps them, counts them in a note, and the fleet is gone without them', () => {
      const w = emptyWithImages();
      const plan = planDeletion(w);
      expect(plan.steps).toEqual([]);
      expect(plan.notes).toEqual(['2 baked images kept; add --images to delete them']);
      expect(isFleetGone(w)).toBe(true);
      w.images = [image('ami-1')];
      expect(planDeletion(w).notes).toEqual(['1 baked image kept; add --images to delete them']);
      expect(planDeletion(emptyWorld(d.name)).notes).toBeUndefined();
      // spec.deletion keeps them too, and the Deleted status says how to remove them.
      expect(deletionReadiness(w)).toMatchObject({ ready: true, reason: 'Deleted', message: expect.stringContaining(`1 baked image(s), kept (drover delete fleet ${d.name} --images`) });
    });
  });
});
