/**
 * Builds the SDK v3 clients drover uses. With a plugin (the simulated account) the clients
 * get dummy credentials and no SDK retries; without one they use the default credential
 * chain and the SDK's own `AWS_ENDPOINT_URL[_<SERVICE>]` support. Under NODE_ENV=test a
 * client without a plugin is refused, so no test can reach AWS.
 *
 * Each client (and its SDK package, the bulk of drover's start-up) is built on first use, per
 * service, with the call recorder and the plugin installed then: a command that only reads
 * local state never loads the SDK.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EFSClient } from '@aws-sdk/client-efs';
import type { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Pluggable } from '@smithy/types';
import { DroverError } from '../util/errors';
import { CallCounter } from './call-counter';
import { isReadOnlyCommand } from './commands';
import { classifyAwsError } from './errors';

export interface AwsClients {
  region: string;
  ec2: EC2Client;
  autoScaling: AutoScalingClient;
  elb: ElasticLoadBalancingClient;
  /** Application/Network Load Balancers and target groups. */
  elbv2: ElasticLoadBalancingV2Client;
  cloudWatch: CloudWatchClient;
  efs: EFSClient;
  sqs: SQSClient;
  /** Every call these clients sent. */
  calls: CallCounter;
}

export interface AwsClientOptions {
  region?: string;
  /** The simulated account's plugin. */
  plugin?: Pluggable<any, any>;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Shared counter; a new one when absent. */
  calls?: CallCounter;
}

export const CALL_RECORDER_NAME = 'droverCallRecorder';

type ServiceKey = 'ec2' | 'autoScaling' | 'elb' | 'elbv2' | 'cloudWatch' | 'efs' | 'sqs';
type AnyClient = AwsClients[ServiceKey];

/* eslint-disable @typescript-eslint/no-require-imports -- a getter is synchronous; require loads the package on first use */
const CLIENT_CLASSES: Record<ServiceKey, () => new (config: any) => AnyClient> = {
  ec2: () => (require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2')).EC2Client,
  autoScaling: () => (require('@aws-sdk/client-auto-scaling') as typeof import('@aws-sdk/client-auto-scaling')).AutoScalingClient,
  elb: () => (require('@aws-sdk/client-elastic-load-balancing') as typeof import('@aws-sdk/client-elastic-load-balancing')).ElasticLoadBalancingClient,
  elbv2: () => (require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2')).ElasticLoadBalancingV2Client,
  cloudWatch: () => (require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch')).CloudWatchClient,
  efs: () => (require('@aws-sdk/client-efs') as typeof import('@aws-sdk/client-efs')).EFSClient,
  sqs: () => (require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs')).SQSClient,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The clients each client set has built so far (destroy closes only those). */
const built = new WeakMap<AwsClients, Map<ServiceKey, AnyClient>>();

const SIM_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'AKIDSIMULATED', secretAccessKey: 'simulated' };

export function createAwsClients(opts: AwsClientOptions = {}): AwsClients {
  const region = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new DroverError('creating aws clients: no region (set AWS_REGION or the manifest region)', {
      code: 'NoRegion',
      source: 'user',
    });
  }
  if (!opts.plugin && process.env.NODE_ENV === 'test') {
    throw new DroverError('creating aws clients: refusing to reach AWS under NODE_ENV=test (pass the sim plugin)', {
      code: 'RealAwsInTest',
      source: 'controller',
    });
  }
  const calls = opts.calls ?? new CallCounter();
  // drover's own call wrapper owns retries and waiting; the SDK makes one attempt.
  const credentials = opts.plugin ? (opts.credentials ?? SIM_CREDENTIALS) : opts.credentials;
  const config = { region, maxAttempts: 1, ...(credentials ? { credentials } : {}) };
  const wire = <C extends { middlewareStack: any }>(client: C): C => {
    client.middlewareStack.add(callRecorder(calls), { step: 'initialize', priority: 'high', name: CALL_RECORDER_NAME });
    if (opts.plugin) client.middlewareStack.use(opts.plugin);
    return client;
  };
  const made = new Map<ServiceKey, AnyClient>();
  const client = <K extends ServiceKey>(key: K): AwsClients[K] => {
    let c = made.get(key);
    if (!c) made.set(key, (c = wire(new (CLIENT_CLASSES[key]())(config))));
    return c as AwsClients[K];
  };
  const clients: AwsClients = {
    region,
    calls,
    get ec2() { return client('ec2'); },
    get autoScaling() { return client('autoScaling'); },
    get elb() { return client('elb'); },
    get elbv2() { return client('elbv2'); },
    get cloudWatch() { return client('cloudWatch'); },
    get efs() { return client('efs'); },
    get sqs() { return client('sqs'); },
  };
  built.set(clients, made);
  return clients;
}

/** Initialize-step middleware: records service, operation, read-only and outcome of every call. */
function callRecorder(calls: CallCounter) {
  return (next: (args: any) => Promise<any>, context: { clientName?: string; commandName?: string }) =>
    async (args: any) => {
      const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const base = { service, operation, readOnly: isReadOnlyCommand(operation) };
      try {
        const out = await next(args);
        calls.record({ ...base, outcome: 'ok' });
        return out;
      } catch (err) {
        calls.record({ ...base, outcome: classifyAwsError(err) });
        throw err;
      }
    };
}

/** Close every built client's sockets (daemon shutdown); clients never used are not built for it. */
export function destroyAwsClients(clients: AwsClients): void {
  const made = built.get(clients);
  const all = made ? [...made.values()] : [clients.ec2, clients.autoScaling, clients.elb, clients.elbv2, clients.cloudWatch, clients.efs, clients.sqs];
  for (const c of all) c.destroy();
}

/** The services whose client has been built so far (for tests of lazy loading). */
export function builtAwsServices(clients: AwsClients): string[] {
  return [...(built.get(clients)?.keys() ?? [])];
}
