/**
 * Builds the SDK v3 clients drover uses. With a plugin (the simulated account) the clients
 * get dummy credentials and no SDK retries; without one they use the default credential
 * chain and the SDK's own `AWS_ENDPOINT_URL[_<SERVICE>]` support. Under NODE_ENV=test a
 * client without a plugin is refused, so no test can reach AWS.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { SQSClient } from '@aws-sdk/client-sqs';
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
  return {
    region,
    calls,
    ec2: wire(new EC2Client(config)),
    autoScaling: wire(new AutoScalingClient(config)),
    elb: wire(new ElasticLoadBalancingClient(config)),
    cloudWatch: wire(new CloudWatchClient(config)),
    efs: wire(new EFSClient(config)),
    sqs: wire(new SQSClient(config)),
  };
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

/** Close every client's sockets (daemon shutdown). */
export function destroyAwsClients(clients: AwsClients): void {
  for (const c of [clients.ec2, clients.autoScaling, clients.elb, clients.cloudWatch, clients.efs, clients.sqs]) c.destroy();
}
