import { DroverError } from '../util/errors';
import { classifyAwsError, CloudError, isAlreadyExists, isNotFound, isThrottled, toCloudError, type AwsErrorClass } from './errors';

const awsError = (name: string, message = 'boom', fault?: 'client' | 'server') =>
  Object.assign(new Error(message), { name, ...(fault ? { $fault: fault } : {}) });

const table: Array<[string, AwsErrorClass, string?]> = [
  // EC2
  ['InvalidAMIID.NotFound', 'notFound'],
  ['InvalidAMIID.Malformed', 'invalid'],
  ['InvalidInstanceID.NotFound', 'notFound'],
  ['InvalidLaunchTemplateName.NotFoundException', 'notFound'],
  ['InvalidLaunchTemplateId.NotFound', 'notFound'],
  ['InvalidLaunchTemplateName.AlreadyExistsException', 'alreadyExists'],
  ['InvalidGroup.NotFound', 'notFound'],
  ['InvalidGroup.Duplicate', 'alreadyExists'],
  ['InvalidPermission.Duplicate', 'alreadyExists'],
  ['InvalidPermission.NotFound', 'notFound'],
  ['InvalidSubnetID.NotFound', 'notFound'],
  ['DependencyViolation', 'dependency'],
  ['InsufficientInstanceCapacity', 'capacity'],
  ['RequestLimitExceeded', 'throttled'],
  ['UnauthorizedOperation', 'accessDenied'],
  // Auto Scaling
  ['AlreadyExists', 'alreadyExists'],
  ['AlreadyExistsFault', 'alreadyExists'],
  ['ValidationError', 'invalid', 'Max bound, 1, must be greater than or equal to min bound, 2'],
  ['ValidationError', 'notFound', 'AutoScalingGroup name not found - AutoScalingGroup magento-v001 not found'],
  ['Throttling', 'throttled'],
  ['ResourceInUse', 'dependency'],
  ['ResourceInUseFault', 'dependency'],
  ['ScalingActivityInProgress', 'dependency'],
  ['ScalingActivityInProgressFault', 'dependency'],
  ['LimitExceeded', 'capacity'],
  ['LimitExceededFault', 'capacity'],
  // ELB
  ['LoadBalancerNotFound', 'notFound'],
  ['AccessPointNotFoundException', 'notFound'],
  ['DuplicateLoadBalancerName', 'alreadyExists'],
  ['DuplicateAccessPointNameException', 'alreadyExists'],
  ['DuplicateTagKeys', 'invalid'],
  ['DuplicateTagKeysException', 'invalid'],
  // CloudWatch
  ['ResourceNotFound', 'notFound'],
  ['ResourceNotFoundException', 'notFound'],
  // EFS
  ['FileSystemNotFound', 'notFound'],
  ['FileSystemAlreadyExists', 'alreadyExists'],
  ['MountTargetNotFound', 'notFound'],
  ['MountTargetConflict', 'alreadyExists'],
  ['FileSystemInUse', 'dependency'],
  ['ThrottlingException', 'throttled'],
  ['IncorrectFileSystemLifeCycleState', 'dependency'],
  // SQS
  ['QueueDoesNotExist', 'notFound'],
  ['AWS.SimpleQueueService.NonExistentQueue', 'notFound'],
  ['QueueNameExists', 'alreadyExists'],
  // generic
  ['AccessDenied', 'accessDenied'],
  ['AccessDeniedException', 'accessDenied'],
  ['InternalError', 'server'],
  ['ServiceUnavailable', 'server'],
  ['SomethingNobodyKnows', 'unknown'],
];

describe('classifyAwsError', () => {
  // Rows have two or three cells; take them as one array so jest does not mistake a cell for `done`.
  it.each(table.map((row) => [row[0], row[1], row]))('%s -> %s', (_name, _expected, row) => {
    const [name, expected, message] = row as (typeof table)[number];
    expect(classifyAwsError(awsError(name, message))).toBe(expected);
  });

  it('falls back to $fault for unknown server errors', () => {
    expect(classifyAwsError(awsError('WeirdServerThing', 'x', 'server'))).toBe('server');
    expect(classifyAwsError(awsError('WeirdClientThing', 'x', 'client'))).toBe('unknown');
  });

  it('classifies non-errors as unknown', () => {
    expect(classifyAwsError(undefined)).toBe('unknown');
    expect(classifyAwsError('nope')).toBe('unknown');
    expect(classifyAwsError(new TypeError('x'))).toBe('unknown');
  });

  it('offers predicates', () => {
    expect(isNotFound(awsError('LoadBalancerNotFound'))).toBe(true);
    expect(isNotFound(awsError('Throttling'))).toBe(false);
    expect(isAlreadyExists(awsError('InvalidGroup.Duplicate'))).toBe(true);
    expect(isThrottled(awsError('RequestLimitExceeded'))).toBe(true);
  });
});

describe('CloudError', () => {
  it('wraps with gerund context, the AWS code and retryability', () => {
    const e = toCloudError('creating load balancer magento-elb for fleet magento-marketplace', awsError('Throttling', 'Rate exceeded'));
    expect(e).toBeInstanceOf(DroverError);
    expect(e.message).toBe('creating load balancer magento-elb for fleet magento-marketplace: Rate exceeded (Throttling)');
    expect(e).toMatchObject({ code: 'Throttling', errorClass: 'throttled', retryable: true, source: 'aws' });
    expect(e.cause).toBeInstanceOf(Error);
  });

  it.each([
    ['InsufficientInstanceCapacity', true, 'aws'],
    ['InternalError', true, 'aws'],
    ['InvalidAMIID.NotFound', false, 'aws'],
    ['UnauthorizedOperation', false, 'user'],
    ['ValidationError', false, 'user'],
  ] as const)('%s is retryable=%s source=%s', (name, retryable, source) => {
    expect(toCloudError('x', awsError(name))).toMatchObject({ retryable, source });
  });

  it('keeps the class when re-wrapped and classifies CloudErrors by their class', () => {
    const inner = toCloudError('describing instances', awsError('InvalidInstanceID.NotFound', 'gone'));
    const outer = toCloudError('reconciling fleet m', inner);
    expect(outer.message).toBe('reconciling fleet m: describing instances: gone (InvalidInstanceID.NotFound)');
    expect(classifyAwsError(outer)).toBe('notFound');
    expect(outer).toBeInstanceOf(CloudError);
  });
});
