/**
 * Builds the AWS port (src/aws/port.ts) over the SDK v3 clients. With a plugin (the simulated
 * account) the clients get dummy credentials and no SDK retries; without one they use the
 * default credential chain and the SDK's own `AWS_ENDPOINT_URL[_<SERVICE>]` support. Under NODE_ENV=test a
 * client without a plugin is refused, so no test can reach AWS.
 *
 * Each client (and its SDK package, the bulk of drover's start-up) is built on first use, per
 * service, with the call recorder and the plugin installed then: a command that only reads
 * local state never loads the SDK.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Pluggable } from '@smithy/types';
import { DroverError } from '../util/errors';
import { CallCounter } from './call-counter';
import { isReadOnlyCommand, type ServiceName } from './commands';
import { classifyAwsError } from './errors';
import { SERVICE_KEYS, serviceApi, type AwsPort, type ServiceApis, type ServiceKey } from './port';

export type { AwsPort } from './port';

export interface AwsPortOptions {
  region?: string;
  /** The simulated account's plugin. */
  plugin?: Pluggable<any, any>;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Shared counter; a new one when absent. */
  calls?: CallCounter;
}

export const CALL_RECORDER_NAME = 'droverCallRecorder';

interface AnyClient {
  middlewareStack: any;
  send(command: any): Promise<any>;
  destroy(): void;
}

/* eslint-disable @typescript-eslint/no-require-imports -- the package loads on a service's first call */
const SDK_MODULES: Record<ServiceName, () => Record<string, unknown>> = {
  EC2: () => require('@aws-sdk/client-ec2'),
  AutoScaling: () => require('@aws-sdk/client-auto-scaling'),
  ElasticLoadBalancing: () => require('@aws-sdk/client-elastic-load-balancing'),
  ElasticLoadBalancingV2: () => require('@aws-sdk/client-elastic-load-balancing-v2'),
  CloudWatch: () => require('@aws-sdk/client-cloudwatch'),
  EFS: () => require('@aws-sdk/client-efs'),
  SQS: () => require('@aws-sdk/client-sqs'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The client class name in each SDK package. */
const CLIENT_CLASS: Record<ServiceName, string> = {
  EC2: 'EC2Client',
  AutoScaling: 'AutoScalingClient',
  ElasticLoadBalancing: 'ElasticLoadBalancingClient',
  ElasticLoadBalancingV2: 'ElasticLoadBalancingV2Client',
  CloudWatch: 'CloudWatchClient',
  EFS: 'EFSClient',
  SQS: 'SQSClient',
};

/** The clients each port has built so far (destroy closes only those), and its client builder. */
const built = new WeakMap<AwsPort, PortInternals>();

interface PortInternals {
  made: Map<ServiceKey, AnyClient>;
  client: (service: ServiceName) => AnyClient;
  /** Named middleware installers run on every client, built now or later (the rate budget). */
  wiring: Map<string, (stack: any) => void>;
}

const SIM_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'AKIDSIMULATED', secretAccessKey: 'simulated' };

export function createAwsPort(opts: AwsPortOptions = {}): AwsPort {
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
  // cacheMiddleware: a client resolves its middleware stack once per command class, not on every send
  // (wireAwsClients drops the cache when it changes a built client's stack).
  const config = { region, maxAttempts: 1, cacheMiddleware: true, ...(credentials ? { credentials } : {}) };
  const made = new Map<ServiceKey, AnyClient>();
  const wiring = new Map<string, (stack: any) => void>();
  const client = (service: ServiceName): AnyClient => {
    const key = SERVICE_KEYS[service];
    let c = made.get(key);
    if (!c) {
      const Client = SDK_MODULES[service]()[CLIENT_CLASS[service]] as new (config: unknown) => AnyClient;
      c = new Client(config);
      c.middlewareStack.add(callRecorder(calls), { step: 'initialize', priority: 'high', name: CALL_RECORDER_NAME });
      if (opts.plugin) c.middlewareStack.use(opts.plugin);
      for (const wire of wiring.values()) wire(c.middlewareStack);
      made.set(key, c);
    }
    return c;
  };
  const apis = Object.fromEntries(
    (Object.keys(SERVICE_KEYS) as ServiceName[]).map((service) => [
      SERVICE_KEYS[service],
      serviceApi(service, { module: SDK_MODULES[service], client: () => client(service) }),
    ]),
  ) as unknown as ServiceApis;
  const port: AwsPort = {
    region,
    calls,
    ...apis,
    destroy: () => {
      for (const c of made.values()) c.destroy();
    },
  };
  built.set(port, { made, client, wiring });
  return port;
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

/** The services whose client has been built so far (for tests of lazy loading). */
export function builtAwsServices(port: AwsPort): string[] {
  return [...(built.get(port)?.made.keys() ?? [])];
}

/**
 * Install a named middleware on every client of `port`: those built so far now, the others when
 * built. The same name again replaces the earlier installer (and `install` should remove it first).
 */
export function wireAwsClients(port: AwsPort, name: string, install: (stack: any) => void): void {
  const internals = internalsOf(port, 'wiring aws clients');
  internals.wiring.set(name, install);
  for (const c of internals.made.values()) {
    install(c.middlewareStack);
    dropHandlerCache(c);
  }
}

/** The SDK's client keeps the handlers it resolved (cacheMiddleware) in `handlers`; a changed stack must be resolved again. */
function dropHandlerCache(c: AnyClient): void {
  delete (c as { handlers?: unknown }).handlers;
}

function internalsOf(port: AwsPort, what: string): PortInternals {
  const internals = built.get(port);
  if (!internals) throw new DroverError(`${what}: the port was not built by createAwsPort`, { code: 'NotAPort', source: 'controller' });
  return internals;
}

/** A service's SDK client (built now if need be), for tests that must reach below the port (endpoint resolution). */
export function sdkClientOf(port: AwsPort, service: ServiceName): AnyClient {
  const c = internalsOf(port, 'reading an sdk client').client(service);
  // The caller may change its stack: the next send resolves it afresh.
  dropHandlerCache(c);
  return c;
}
