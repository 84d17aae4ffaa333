/**
 * drover's AWS port: one narrow interface per service whose methods are exactly the operations
 * COMMANDS lists, typed with the SDK's own input and output shapes. Both the types and the
 * runtime object are derived from COMMANDS, so the port cannot drift from the list the sim
 * implements and the IAM policy grants.
 *
 *   await aws.autoScaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: [name] })
 */
import type { Handler } from '@smithy/types';
import type { CallCounter } from './call-counter';
import { COMMANDS, type ServiceName } from './commands';

/** The SDK package of each service (types only: nothing here loads a package). */
interface Sdk {
  EC2: typeof import('@aws-sdk/client-ec2');
  AutoScaling: typeof import('@aws-sdk/client-auto-scaling');
  ElasticLoadBalancing: typeof import('@aws-sdk/client-elastic-load-balancing');
  ElasticLoadBalancingV2: typeof import('@aws-sdk/client-elastic-load-balancing-v2');
  CloudWatch: typeof import('@aws-sdk/client-cloudwatch');
  EFS: typeof import('@aws-sdk/client-efs');
  SQS: typeof import('@aws-sdk/client-sqs');
}

/** The operations COMMANDS lists for a service. */
export type OperationOf<S extends ServiceName> = (typeof COMMANDS)[S][number];

type CommandClass<S extends ServiceName, O extends string> = Sdk[S][`${O}Command` & keyof Sdk[S]];
type OutputOf<Instance> = Instance extends { resolveMiddleware(...args: any[]): Handler<any, infer O> } ? O : never;
/** Per-call options of the SDK's `send` (a long poll's abort signal). */
export interface SendOptions {
  abortSignal?: AbortSignal;
}
/** `new XCommand(input)` sent and awaited: the constructor's parameters in, the command's output out. */
export type Method<C> = C extends new (...input: infer I extends unknown[]) => infer Instance
  ? (...args: I | [input: I[0] & {}, options: SendOptions]) => Promise<OutputOf<Instance>>
  : never;

export type ServiceApi<S extends ServiceName> = { readonly [O in OperationOf<S>]: Method<CommandClass<S, O>> };

/** A COMMANDS entry without an SDK command class is a compile error here. */
type Unknown = { [S in ServiceName]: Exclude<`${OperationOf<S>}Command`, keyof Sdk[S]> }[ServiceName];
export const EVERY_COMMAND_HAS_AN_SDK_CLASS: [Unknown] extends [never] ? true : Unknown = true;

export type EC2Api = ServiceApi<'EC2'>;
export type AutoScalingApi = ServiceApi<'AutoScaling'>;
export type ElbApi = ServiceApi<'ElasticLoadBalancing'>;
/** Application/Network Load Balancers and target groups. */
export type ElbV2Api = ServiceApi<'ElasticLoadBalancingV2'>;
export type CloudWatchApi = ServiceApi<'CloudWatch'>;
export type EfsApi = ServiceApi<'EFS'>;
export type SqsApi = ServiceApi<'SQS'>;

/** The input and output of one operation, e.g. `AwsInput<'AutoScaling', 'CreateAutoScalingGroup'>`. */
export type AwsInput<S extends ServiceName, O extends OperationOf<S>> = Parameters<ServiceApi<S>[O]>[0] & {};
export type AwsOutput<S extends ServiceName, O extends OperationOf<S>> = Awaited<ReturnType<ServiceApi<S>[O]>>;

/** The port's property for each service. */
export const SERVICE_KEYS = {
  EC2: 'ec2',
  AutoScaling: 'autoScaling',
  ElasticLoadBalancing: 'elb',
  ElasticLoadBalancingV2: 'elbv2',
  CloudWatch: 'cloudWatch',
  EFS: 'efs',
  SQS: 'sqs',
} as const satisfies Record<ServiceName, string>;

export type ServiceKey = (typeof SERVICE_KEYS)[ServiceName];

/** Each service's api under its port property: `ec2: EC2Api`, `autoScaling: AutoScalingApi`, ... */
export type ServiceApis = { readonly [S in ServiceName as (typeof SERVICE_KEYS)[S]]: ServiceApi<S> };

/** { region, calls, ec2, autoScaling, elb, elbv2, cloudWatch, efs, sqs, destroy } */
export interface AwsPort extends ServiceApis {
  region: string;
  /** Every call this port sent. */
  calls: CallCounter;
  /** Close the sockets of every client built so far (daemon shutdown). */
  destroy(): void;
}

/** What a service needs at run time: the SDK module (its command classes) and the client to send on. */
export interface ServiceRuntime {
  module: () => Record<string, unknown>;
  client: () => { send(command: any, options?: SendOptions): Promise<any> };
}

/** The runtime object of one service: a method per COMMANDS entry, each sending `new <Op>Command(input)`. */
export function serviceApi<S extends ServiceName>(service: S, runtime: ServiceRuntime): ServiceApi<S> {
  const api: Record<string, (input?: unknown, options?: SendOptions) => Promise<unknown>> = {};
  for (const op of COMMANDS[service] as readonly string[]) {
    api[op] = (input?: unknown, options?: SendOptions) => {
      const Command = runtime.module()[`${op}Command`] as new (input?: unknown) => unknown;
      // Without options the client reuses its resolved middleware (cacheMiddleware); an abort signal costs a fresh resolve.
      return options?.abortSignal ? runtime.client().send(new Command(input), options) : runtime.client().send(new Command(input));
    };
  }
  return Object.freeze(api) as unknown as ServiceApi<S>;
}
