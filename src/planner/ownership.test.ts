import { groupName } from '../model/names';
import type { NameConflict } from '../model/observed';
import type { PlanStep } from '../model/plan';
import { convergedWorld, desiredFleet, emptyWorld, FIXTURE } from '../../test/support/planner/fixtures';
import { plan } from './plan';

describe('plan: deleting what the manifest dropped', () => {
  it('deletes alarms, policies, mount targets, the file system and the security group in reverse order', () => {
    const full = desiredFleet();
    const d = desiredFleet({ storage: undefined, scaling: undefined });
    const steps = plan(d, convergedWorld(full)).steps;
    expect(steps.map((s) => `${s.kind} ${s.resource}`)).toEqual([
      // the template first drops the mount preamble (an update), then deletions in reverse
      'createLaunchTemplateVersion launchTemplate/drover-magento-marketplace',
      'deleteAlarm alarm/magento-marketplace-cpu-high',
      'deleteAlarm alarm/magento-marketplace-cpu-low',
      'deleteScalingPolicy policy/magento-marketplace-scale-out',
      'deleteScalingPolicy policy/magento-marketplace-scale-in',
      'deleteMountTarget mountTarget/drover-magento-marketplace/subnet-0a1b2c3d4e5f60001',
      'deleteMountTarget mountTarget/drover-magento-marketplace/subnet-0a1b2c3d4e5f60002',
      'deleteMountTarget mountTarget/drover-magento-marketplace/subnet-0a1b2c3d4e5f60003',
      'deleteFileSystem fileSystem/drover-magento-marketplace',
      'deleteSecurityGroup securityGroup/drover-magento-marketplace-efs',
    ]);
    expect(steps[1].reason).toBe('manifest has no scaling rules');
    expect(steps[8].params).toEqual({ fileSystemId: FIXTURE.fileSystemId });
  });

  it('deletes an owned alarm with the fleet prefix that the manifest does not name', () => {
    const d = desiredFleet();
    const o = convergedWorld(d);
    o.alarms.push({ ...o.alarms[0], name: 'magento-marketplace-old', arn: 'arn:old' });
    const steps = plan(d, o).steps;
    expect(steps).toEqual([
      { kind: 'deleteAlarm', resource: 'alarm/magento-marketplace-old', reason: 'alarm magento-marketplace-old is not in the manifest', params: { name: 'magento-marketplace-old' } },
    ]);
  });

  it('deletes the mount target of a subnet the manifest dropped', () => {
    const d = desiredFleet({ network: { subnets: FIXTURE.subnets.slice(0, 2), securityGroups: [FIXTURE.securityGroup] } });
    const o = convergedWorld(desiredFleet());
    const steps = plan(d, o).steps.filter((s) => s.kind.includes('MountTarget'));
    expect(steps).toEqual([expect.objectContaining({ kind: 'deleteMountTarget', params: { mountTargetId: 'fsmt-0000000000000002' } })]);
  });
});

describe('plan: names held by resources without drover tags', () => {
  const cases: Array<[NameConflict, string, string]> = [
    [{ resourceType: 'loadBalancer', name: 'magento-elb' }, 'loadBalancer/magento-elb', 'createLoadBalancer'],
    [{ resourceType: 'launchTemplate', name: 'drover-magento-marketplace' }, 'launchTemplate/drover-magento-marketplace', 'createLaunchTemplate'],
    [{ resourceType: 'autoScalingGroup', name: 'magento-marketplace-v001' }, 'autoScalingGroup/magento-marketplace-v001', 'createAutoScalingGroup'],
    [{ resourceType: 'fileSystem', name: 'drover-magento-marketplace' }, 'fileSystem/drover-magento-marketplace', 'createFileSystem'],
    [{ resourceType: 'securityGroup', name: 'drover-magento-marketplace-efs' }, 'securityGroup/drover-magento-marketplace-efs', 'createSecurityGroup'],
    [{ resourceType: 'alarm', name: 'magento-marketplace-cpu-high' }, 'alarm/magento-marketplace-cpu-high', 'putMetricAlarm'],
  ];

  it.each(cases)('%o becomes nameTaken instead of a create', (conflict, resource, createKind) => {
    const d = desiredFleet();
    const steps = plan(d, { ...emptyWorld(d.name), conflicts: [conflict] }).steps;
    const taken = steps.filter((s) => s.kind === 'nameTaken');
    expect(taken).toHaveLength(1);
    expect(taken[0].resource).toBe(resource);
    expect(taken[0].reason).toMatch(new RegExp(`name ${conflict.name} is taken by a resource without drover's tags`));
    expect(steps.some((s) => s.resource === resource && s.kind === createKind)).toBe(false);
  });

  it('never touches an unowned alarm that merely shares the prefix', () => {
    const d = desiredFleet();
    const o = convergedWorld(d);
    o.conflicts.push({ resourceType: 'alarm', name: 'magento-marketplace-someone-elses' });
    expect(plan(d, o).steps).toEqual([]);
  });
});

describe('plan: AMI changes go through a deployment', () => {
  it('emits exactly one startDeployment and no template or group edit', () => {
    const d = desiredFleet({ image: { ami: FIXTURE.amis[1] }, instances: { ...desiredFleet().instances, type: 't3.large' } });
    const steps = plan(d, convergedWorld(desiredFleet())).steps;
    expect(steps).toEqual([
      {
        kind: 'startDeployment',
        resource: 'deployment/magento-marketplace',
        reason: `AMI is ${FIXTURE.amis[0]}, manifest says ${FIXTURE.amis[1]}: a blue/green deployment replaces group magento-marketplace-v001`,
        params: { fleet: 'magento-marketplace', fromAmi: FIXTURE.amis[0], toAmi: FIXTURE.amis[1], group: 'magento-marketplace-v001', generation: 2, launchTemplateId: FIXTURE.launchTemplateId },
      },
    ]);
  });

  it('compares against the version the active group pins, not the default', () => {
    const d = desiredFleet({ image: { ami: FIXTURE.amis[2] } });
    const o = convergedWorld(desiredFleet());
    // a deployment left version 2 (ami 3) pinned on generation 2, attached to the ELB
    o.launchTemplate!.versionImages = { '1': FIXTURE.amis[0], '2': FIXTURE.amis[2] };
    o.groups.push({ ...o.groups[0], name: groupName(d.name, 2), generation: 2, launchTemplate: { id: FIXTURE.launchTemplateId, version: '2' } });
    expect(plan(d, o).steps.filter((s) => s.kind === 'startDeployment')).toEqual([]);
  });

  it('a new AMI on a fleet without groups is just part of the template', () => {
    const d = desiredFleet({ image: { ami: FIXTURE.amis[1] } });
    const o = convergedWorld(desiredFleet());
    o.groups = [];
    o.policies = [];
    const steps = plan(d, o).steps;
    expect(steps[0]).toMatchObject({ kind: 'createLaunchTemplateVersion', reason: `AMI is ${FIXTURE.amis[0]}, manifest says ${FIXTURE.amis[1]}` });
    expect((steps[0] as PlanStep<'createLaunchTemplateVersion'>).params.groupName).toBeUndefined();
  });

  it('a bake fleet keeps running its baked AMI (no deployment from drift against the base)', () => {
    const bake = { baseAmi: FIXTURE.amis[0], repository: 'r', branch: 'main', buildScript: 'b', builderInstanceType: 't3.large', timeoutSeconds: 900, from: 'base' as const };
    const d = desiredFleet({ image: { bake } });
    const o = convergedWorld(desiredFleet());
    o.launchTemplate!.imageId = 'ami-0baked000000000001';
    o.launchTemplate!.versionImages = { '1': 'ami-0baked000000000001' };
    expect(plan(d, o).steps).toEqual([]);
  });
});
