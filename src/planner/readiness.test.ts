import { convergedWorld, desiredFleet } from '../../test/support/planner/fixtures';
import { assessReadiness } from './readiness';

describe('assessReadiness', () => {
  const d = desiredFleet();

  it('is ready when converged and all desired instances are InService', () => {
    expect(assessReadiness(d, convergedWorld(d))).toEqual({
      ready: true,
      inService: 2,
      desired: 2,
      reason: 'Ready',
      message: '2 of 2 instances of group magento-marketplace-v001 are InService on load balancer magento-elb',
    });
  });

  it('waits for healthy instances when the ELB reports one OutOfService', () => {
    const o = convergedWorld(d);
    o.loadBalancer!.instances[1].state = 'OutOfService';
    expect(assessReadiness(d, o)).toMatchObject({ ready: false, inService: 1, desired: 2, reason: 'WaitingForHealthyInstances' });
  });

  it('is not ready while a change is pending', () => {
    const o = convergedWorld(d);
    o.groups[0].max = 12;
    expect(assessReadiness(d, o)).toMatchObject({ ready: false, reason: 'Converging', message: expect.stringContaining('max size is 12') });
  });

  it('waits for the file system', () => {
    const o = convergedWorld(d);
    o.fileSystem!.mountTargets[0].lifeCycleState = 'creating';
    expect(assessReadiness(d, o)).toMatchObject({ ready: false, reason: 'WaitingForFileSystem' });
  });

  it('reports a name conflict and a pending deployment', () => {
    expect(assessReadiness(d, { ...convergedWorld(d), conflicts: [{ resourceType: 'alarm', name: 'magento-marketplace-cpu-high' }], alarms: [] })).toMatchObject({
      reason: 'NameTaken',
    });
    expect(assessReadiness(desiredFleet({ image: { ami: 'ami-0new' } }), convergedWorld(d))).toMatchObject({ reason: 'DeploymentPending' });
  });
});
