import { builtAwsServices, CALL_RECORDER_NAME, createAwsPort, sdkClientOf, wireAwsClients } from './clients';

/** A stand-in for the sim plugin: answers at initialize (priority high) without calling next. */
function fakePlugin(answer: (command: string) => unknown) {
  return {
    applyToStack: (stack: any) =>
      stack.add(
        (_next: unknown, context: { commandName: string }) => async () => ({ output: answer(context.commandName), response: {} }),
        { step: 'initialize', priority: 'high', name: 'fakeSim' },
      ),
  };
}

async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('createAwsPort', () => {
  it('refuses to build clients that could reach AWS under NODE_ENV=test', () => {
    expect(() => createAwsPort({ region: 'eu-west-1' })).toThrow(/refusing to reach AWS under NODE_ENV=test/);
  });

  it('records every call before the plugin answers, with read/mutating and outcome', async () => {
    const clients = createAwsPort({
      region: 'eu-west-1',
      plugin: fakePlugin((command) => {
        if (command === 'GetQueueUrlCommand') throw Object.assign(new Error('no queue'), { name: 'QueueDoesNotExist' });
        return { $metadata: {}, Images: [], LoadBalancerDescriptions: [] };
      }),
    });
    await clients.ec2.DescribeImages({ ImageIds: ['ami-1'] });
    await clients.elb.DescribeLoadBalancers({});
    await expect(clients.sqs.GetQueueUrl({ QueueName: 'q' })).rejects.toThrow('no queue');
    expect(clients.calls.list()).toEqual([
      { service: 'EC2', operation: 'DescribeImages', readOnly: true, outcome: 'ok' },
      { service: 'ElasticLoadBalancing', operation: 'DescribeLoadBalancers', readOnly: true, outcome: 'ok' },
      { service: 'SQS', operation: 'GetQueueUrl', readOnly: true, outcome: 'notFound' },
    ]);
    expect(clients.calls.snapshot()).toMatchObject({ read: 3, mutating: 0, errors: 1 });
  });

  it('builds each service client on first use, with the recorder and the plugin, once', async () => {
    const clients = createAwsPort({ region: 'eu-west-1', plugin: fakePlugin(() => ({ $metadata: {}, Images: [] })) });
    expect(builtAwsServices(clients)).toEqual([]);
    const ec2 = clients.ec2;
    expect(clients.ec2).toBe(ec2);
    await clients.ec2.DescribeImages({});
    expect(builtAwsServices(clients)).toEqual(['ec2']);
    expect(clients.calls.totals()).toEqual({ read: 1, mutating: 0 });
    clients.destroy();
    expect(builtAwsServices(clients)).toEqual(['ec2']);
  });

  it('applies a middleware wired after a client\'s first calls from the next call on (the client caches its resolved middleware)', async () => {
    const clients = createAwsPort({ region: 'eu-west-1', plugin: fakePlugin(() => ({ $metadata: {}, Images: [] })) });
    await clients.ec2.DescribeImages({});
    await clients.ec2.DescribeImages({});
    const seen: string[] = [];
    // As the rate budget is wired: right after the call recorder, before the (fake) sim answers.
    wireAwsClients(clients, 'probe', (stack) =>
      stack.addRelativeTo((next: (a: unknown) => Promise<unknown>, context: { commandName: string }) => (args: unknown) => (seen.push(context.commandName), next(args)), {
        relation: 'after',
        toMiddleware: CALL_RECORDER_NAME,
        name: 'probe',
      }),
    );
    await clients.ec2.DescribeImages({});
    await clients.ec2.DescribeInstances({});
    expect(seen).toEqual(['DescribeImagesCommand', 'DescribeInstancesCommand']);
    expect(clients.calls.totals().read).toBe(4);
  });

  it('attributes calls to the measured unit of work only', async () => {
    const clients = createAwsPort({ region: 'eu-west-1', plugin: fakePlugin(() => ({ $metadata: {} })) });
    const send = () => clients.ec2.DescribeImages({});
    const [a] = await Promise.all([clients.calls.measure(async () => { await send(); await send(); }), send()]);
    expect(a.calls.read).toBe(2);
    expect(clients.calls.totals()).toEqual({ read: 3, mutating: 0 });
    clients.calls.reset();
    expect(clients.calls.totals()).toEqual({ read: 0, mutating: 0 });
  });

  // The SDK reads AWS_ENDPOINT_URL[_<SERVICE>] itself when resolving a request's endpoint.
  it.each([
    ['AWS_ENDPOINT_URL_SQS', 'http://localhost:4566/'],
    ['AWS_ENDPOINT_URL', 'http://localhost:4567/'],
  ])('honours %s natively when not simulated', async (variable, endpoint) => {
    const url = await withEnv({ NODE_ENV: 'production', [variable]: endpoint }, async () => {
      const clients = createAwsPort({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      let seen = '';
      sdkClientOf(clients, 'SQS').middlewareStack.add(
        (_next: unknown, context: any) => async () => {
          seen = context.endpointV2?.url?.toString() ?? '';
          throw new Error('stop before the network');
        },
        { step: 'finalizeRequest' },
      );
      await expect(clients.sqs.GetQueueUrl({ QueueName: 'q' })).rejects.toThrow('stop before the network');
      return seen;
    });
    expect(url).toBe(endpoint);
  });
});
