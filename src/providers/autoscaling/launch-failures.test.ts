import type { Activity } from '../../aws/types';
import { CAPACITY_ATTEMPTS, classifyLaunchFailure, describeLaunchFailure, launchFailureOf } from './launch-failures';

const AMI = "The image id '[ami-0a1b2c3d4e5f6dead]' does not exist. Launching EC2 instance failed.";
const CAPACITY = 'We currently do not have sufficient c5.large capacity in the Availability Zone you requested (eu-west-1a). Our system will be working on provisioning additional capacity. Launching EC2 instance failed.';

function launch(at: number, status: string, message?: string): Activity {
  return {
    ActivityId: `a${at}`,
    AutoScalingGroupName: 'g',
    Description: message ? `Launching a new EC2 instance.  Status Reason: ${message}` : `Launching a new EC2 instance: i-${at}`,
    Cause: 'capacity',
    StartTime: new Date(at * 1000),
    StatusCode: status as Activity['StatusCode'],
    ...(message ? { StatusMessage: message } : {}),
  };
}

describe('launch failures from scaling activities', () => {
  it.each([
    [AMI, 'InvalidAMIID.NotFound', true],
    ["Invalid value 't3.smal' for InstanceType. Launching EC2 instance failed.", 'InvalidParameterValue', true],
    ["The subnet ID 'subnet-1' does not exist. Launching EC2 instance failed.", 'InvalidSubnetID.NotFound', true],
    ["The security group 'sg-1' does not exist in VPC 'vpc-1'. Launching EC2 instance failed.", 'InvalidGroup.NotFound', true],
    ['You are not authorized to perform this operation. Launching EC2 instance failed.', 'UnauthorizedOperation', true],
    [CAPACITY, 'InsufficientInstanceCapacity', false],
    ['You have requested more instances (7) than your current instance limit of 6 allows for the specified instance type. Launching EC2 instance failed.', 'InstanceLimitExceeded', false],
    ['Something new. Launching EC2 instance failed.', 'Unknown', false],
  ])('recognises %s', (message, code, terminal) => {
    expect(classifyLaunchFailure(message)).toEqual({ code, terminal });
  });

  it('a terminal cause counts at its first failed launch', () => {
    const f = launchFailureOf([launch(1, 'Failed', AMI)]);
    expect(f).toMatchObject({ code: 'InvalidAMIID.NotFound', terminal: true, attempts: 1, statusMessage: AMI });
    expect(describeLaunchFailure('web-v002', f!)).toBe(`launching instances into group web-v002: ${AMI} (InvalidAMIID.NotFound)`);
  });

  it('capacity errors count only after CAPACITY_ATTEMPTS failed launches in a row', () => {
    const some = Array.from({ length: CAPACITY_ATTEMPTS - 1 }, (_, i) => launch(i + 1, 'Failed', CAPACITY));
    expect(launchFailureOf(some)).toBeUndefined();
    const enough = [...some, launch(CAPACITY_ATTEMPTS, 'Failed', CAPACITY)];
    expect(launchFailureOf(enough)).toMatchObject({ code: 'InsufficientInstanceCapacity', terminal: false, attempts: CAPACITY_ATTEMPTS });
    expect(describeLaunchFailure('g', launchFailureOf(enough)!)).toMatch(/\(6 failed launches in a row\): We currently do not have sufficient/);
  });

  it('a newer successful or running launch means the cause is gone', () => {
    expect(launchFailureOf([launch(1, 'Failed', AMI), launch(2, 'InProgress')])).toBeUndefined();
    expect(launchFailureOf([launch(2, 'Successful'), launch(1, 'Failed', AMI)])).toBeUndefined();
    expect(launchFailureOf([])).toBeUndefined();
  });
});
