/**
 * The one place in the simulated account that knows AWS error codes: which exception class
 * each service's SDK throws for a code, and whether it is a client or server fault.
 */
import * as asg from '@aws-sdk/client-auto-scaling';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as ec2 from '@aws-sdk/client-ec2';
import * as efs from '@aws-sdk/client-efs';
import * as elb from '@aws-sdk/client-elastic-load-balancing';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import * as sqs from '@aws-sdk/client-sqs';
import { DroverError } from '../util/errors';

export type SimService = 'EC2' | 'AutoScaling' | 'ElasticLoadBalancing' | 'ElasticLoadBalancingV2' | 'CloudWatch' | 'EFS' | 'SQS';

type ExceptionClass = new (opts: any) => Error;

/** Thrown for any operation the simulated account does not model. It never returns `{}`. */
export class SimNotImplemented extends DroverError {
  constructor(service: string, operation: string) {
    super(`simulated account does not implement ${service}:${operation}`, {
      code: 'SimNotImplemented',
      source: 'controller',
    });
    this.name = 'SimNotImplemented';
  }
}

const BASES: Record<SimService, ExceptionClass> = {
  EC2: ec2.EC2ServiceException,
  AutoScaling: asg.AutoScalingServiceException,
  ElasticLoadBalancing: elb.ElasticLoadBalancingServiceException,
  ElasticLoadBalancingV2: elbv2.ElasticLoadBalancingV2ServiceException,
  CloudWatch: cw.CloudWatchServiceException,
  EFS: efs.EFSServiceException,
  SQS: sqs.SQSServiceException,
};

/** Wire error code -> the modelled exception class the SDK deserializes it into. */
const CLASSES: Record<SimService, Record<string, ExceptionClass>> = {
  EC2: {},
  AutoScaling: {
    AlreadyExists: asg.AlreadyExistsFault,
    ResourceContention: asg.ResourceContentionFault,
    LimitExceeded: asg.LimitExceededFault,
    ResourceInUse: asg.ResourceInUseFault,
    ScalingActivityInProgress: asg.ScalingActivityInProgressFault,
    InstanceRefreshInProgress: asg.InstanceRefreshInProgressFault,
    ActiveInstanceRefreshNotFound: asg.ActiveInstanceRefreshNotFoundFault,
    InvalidNextToken: asg.InvalidNextToken,
  },
  ElasticLoadBalancing: {
    LoadBalancerNotFound: elb.AccessPointNotFoundException,
    DuplicateLoadBalancerName: elb.DuplicateAccessPointNameException,
    InvalidConfigurationRequest: elb.InvalidConfigurationRequestException,
    DuplicateListener: elb.DuplicateListenerException,
    ListenerNotFound: elb.ListenerNotFoundException,
    InvalidSubnet: elb.InvalidSubnetException,
    SubnetNotFound: elb.SubnetNotFoundException,
    InvalidSecurityGroup: elb.InvalidSecurityGroupException,
    InvalidInstance: elb.InvalidEndPointException,
    TooManyTags: elb.TooManyTagsException,
    DuplicateTagKeys: elb.DuplicateTagKeysException,
    TooManyLoadBalancers: elb.TooManyAccessPointsException,
    LoadBalancerAttributeNotFound: elb.LoadBalancerAttributeNotFoundException,
  },
  ElasticLoadBalancingV2: {
    LoadBalancerNotFound: elbv2.LoadBalancerNotFoundException,
    DuplicateLoadBalancerName: elbv2.DuplicateLoadBalancerNameException,
    TargetGroupNotFound: elbv2.TargetGroupNotFoundException,
    DuplicateTargetGroupName: elbv2.DuplicateTargetGroupNameException,
    ListenerNotFound: elbv2.ListenerNotFoundException,
    DuplicateListener: elbv2.DuplicateListenerException,
    InvalidTarget: elbv2.InvalidTargetException,
    ResourceInUse: elbv2.ResourceInUseException,
    InvalidConfigurationRequest: elbv2.InvalidConfigurationRequestException,
    IncompatibleProtocols: elbv2.IncompatibleProtocolsException,
    UnsupportedProtocol: elbv2.UnsupportedProtocolException,
    TargetGroupAssociationLimit: elbv2.TargetGroupAssociationLimitException,
    InvalidLoadBalancerAction: elbv2.InvalidLoadBalancerActionException,
    TooManyTargetGroups: elbv2.TooManyTargetGroupsException,
    SubnetNotFound: elbv2.SubnetNotFoundException,
    InvalidSubnet: elbv2.InvalidSubnetException,
    InvalidSecurityGroup: elbv2.InvalidSecurityGroupException,
    TooManyTags: elbv2.TooManyTagsException,
    DuplicateTagKeys: elbv2.DuplicateTagKeysException,
    CertificateNotFound: elbv2.CertificateNotFoundException,
  },
  CloudWatch: {
    ResourceNotFound: cw.ResourceNotFound,
    ResourceNotFoundException: cw.ResourceNotFoundException,
    LimitExceeded: cw.LimitExceededFault,
    InvalidNextToken: cw.InvalidNextToken,
    InvalidParameterValue: cw.InvalidParameterValueException,
    InvalidParameterCombination: cw.InvalidParameterCombinationException,
    MissingParameter: cw.MissingRequiredParameterException,
    InternalServiceError: cw.InternalServiceFault,
  },
  EFS: {
    BadRequest: efs.BadRequest,
    FileSystemNotFound: efs.FileSystemNotFound,
    FileSystemAlreadyExists: efs.FileSystemAlreadyExists,
    FileSystemInUse: efs.FileSystemInUse,
    FileSystemLimitExceeded: efs.FileSystemLimitExceeded,
    IncorrectFileSystemLifeCycleState: efs.IncorrectFileSystemLifeCycleState,
    IncorrectMountTargetState: efs.IncorrectMountTargetState,
    MountTargetConflict: efs.MountTargetConflict,
    MountTargetNotFound: efs.MountTargetNotFound,
    SecurityGroupNotFound: efs.SecurityGroupNotFound,
    SubnetNotFound: efs.SubnetNotFound,
    ThrottlingException: efs.ThrottlingException,
    InternalServerError: efs.InternalServerError,
    ValidationException: efs.ValidationException,
  },
  SQS: {
    'AWS.SimpleQueueService.NonExistentQueue': sqs.QueueDoesNotExist,
    QueueDoesNotExist: sqs.QueueDoesNotExist,
    QueueAlreadyExists: sqs.QueueNameExists,
    QueueNameExists: sqs.QueueNameExists,
    ReceiptHandleIsInvalid: sqs.ReceiptHandleIsInvalid,
    InvalidAttributeName: sqs.InvalidAttributeName,
    InvalidAttributeValue: sqs.InvalidAttributeValue,
    InvalidMessageContents: sqs.InvalidMessageContents,
    OverLimit: sqs.OverLimit,
    RequestThrottled: sqs.RequestThrottled,
    MessageNotInflight: sqs.MessageNotInflight,
    EmptyBatchRequest: sqs.EmptyBatchRequest,
    TooManyEntriesInBatchRequest: sqs.TooManyEntriesInBatchRequest,
    BatchEntryIdsNotDistinct: sqs.BatchEntryIdsNotDistinct,
    InvalidBatchEntryId: sqs.InvalidBatchEntryId,
  },
};

/** What `Throttling` means for each service. */
const THROTTLE_CODES: Record<SimService, string> = {
  EC2: 'RequestLimitExceeded',
  AutoScaling: 'Throttling',
  ElasticLoadBalancing: 'Throttling',
  ElasticLoadBalancingV2: 'Throttling',
  CloudWatch: 'Throttling',
  EFS: 'ThrottlingException',
  SQS: 'ThrottlingException',
};

const SERVER_CODES = new Set([
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'InternalServiceError',
  'ServiceUnavailable',
  'Unavailable',
  'InsufficientInstanceCapacity',
]);

const DEFAULT_MESSAGES: Record<string, string> = {
  RequestLimitExceeded: 'Request limit exceeded.',
  Throttling: 'Rate exceeded',
  ThrottlingException: 'Rate exceeded',
  InsufficientInstanceCapacity:
    'We currently do not have sufficient capacity in the Availability Zone you requested. Our system will be working on provisioning additional capacity.',
  InternalError: 'An internal error has occurred',
  ServiceUnavailable: 'The service is unavailable. Please try again shortly.',
};

/** Codes accepted by failNext/failRate besides the exact service codes. */
export function normalizeFaultCode(service: SimService, code: string): string {
  if (code === 'Throttling' || code === 'ThrottlingException' || code === 'RequestLimitExceeded') return THROTTLE_CODES[service];
  return code;
}

export function isSimService(s: string): s is SimService {
  return s in BASES;
}

/** Build the exception the real SDK would throw for `code` from `service`. */
export function awsError(
  service: SimService,
  code: string,
  message?: string,
  extra: Record<string, unknown> = {},
  requestId = '00000000-0000-4000-8000-000000000000',
): Error {
  const fault = SERVER_CODES.has(code) ? 'server' : 'client';
  const status = fault === 'server' ? (code === 'ServiceUnavailable' ? 503 : 500) : code === 'RequestLimitExceeded' ? 503 : 400;
  const $metadata = { httpStatusCode: status, requestId, attempts: 1, totalRetryDelay: 0 };
  const text = message ?? DEFAULT_MESSAGES[code] ?? code;
  const cls = CLASSES[service][code];
  let err: any;
  if (cls) {
    const efsFields = service === 'EFS' ? { ErrorCode: code, Message: text } : {};
    err = new cls({ message: text, $metadata, ...efsFields, ...extra });
  } else {
    err = new BASES[service]({ name: code, $fault: fault, $metadata, message: text });
    Object.assign(err, extra);
  }
  err.$fault = fault;
  if (service === 'SQS' || service === 'EC2') err.Code = code;
  return err;
}

/** Throwable helper: `throw fail('EC2', 'InvalidAMIID.NotFound', ...)`. */
export const fail = awsError;
