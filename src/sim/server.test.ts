/**
 * The served account through the real SDK clients in this process: a second "process" (another
 * RemoteSim) sees what the first created, errors come back as the same SDK exception classes with
 * their codes, Dates stay Dates, and the clock moves only as the server's speed says.
 */
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { QueueDoesNotExist } from '@aws-sdk/client-sqs';
import { createAwsPort, type AwsPort } from '../aws/clients';
import { classifyAwsError } from '../aws/errors';
import { VirtualClock } from '../util/clock';
import { SimAccount } from './account';
import { SimNotImplemented } from './errors';
import { createSimPlugin } from './plugin';
import { RemoteSim, SimServerUnreachable } from './remote';
import { startSimServer, type SimServer } from './server';

const START = Date.UTC(2026, 10, 26, 9, 0, 0);

describe('simulated account served over loopback', () => {
  let account: SimAccount;
  let server: SimServer;
  const remotes: RemoteSim[] = [];
  const clientSets: AwsPort[] = [];
  const client = async () => {
    const remote = await RemoteSim.connect(server.url);
    remotes.push(remote);
    const clients = createAwsPort({ region: 'eu-west-1', plugin: remote.plugin() });
    clientSets.push(clients);
    return { remote, clients };
  };

  beforeEach(async () => {
    account = new SimAccount({ clock: new VirtualClock(START) });
    server = await startSimServer({ account, speed: 0 });
  });
  afterEach(async () => {
    clientSets.splice(0).forEach((c) => c.destroy());
    remotes.splice(0).forEach((r) => r.close());
    await server.close();
  });

  it('lets one client see what another created, and a message sent by one is received by the other', async () => {
    const a = await client();
    const b = await client();
    await a.clients.sqs.CreateQueue({ QueueName: 'drover-events' });
    const url = (await b.clients.sqs.CreateQueue({ QueueName: 'drover-events' })).QueueUrl!;
    const sent = await a.clients.sqs.SendMessage({ QueueUrl: url, MessageBody: 'hello' });
    expect(sent.MessageId).toMatch(/./);
    const got = await b.clients.sqs.ReceiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 });
    expect(got.Messages?.map((m) => [m.MessageId, m.Body])).toEqual([[sent.MessageId, 'hello']]);
    // Both clients' call recorders ran: the plugin sits after drover's own middleware.
    expect(a.clients.calls.totals()).toMatchObject({ read: 0, mutating: 2 });
    expect(account.calls.map((c) => c.operation)).toEqual(['CreateQueue', 'CreateQueue', 'SendMessage', 'ReceiveMessage']);
  });

  it('returns errors as the SDK exception class with their AWS code, exactly as the in-process plugin does', async () => {
    const { clients } = await client();
    const local = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(new SimAccount({ clock: new VirtualClock(START) })) });
    clientSets.push(local);
    const failing: Array<[string, (c: AwsPort) => Promise<unknown>]> = [
      ['InvalidAMIID.NotFound', (c) => c.ec2.RunInstances({ ImageId: 'ami-0000000000000dead', MinCount: 1, MaxCount: 1 })],
      ['QueueDoesNotExist', (c) => c.sqs.SendMessage({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/nope', MessageBody: 'x' })],
      ['ValidationError', (c) => c.elb.DescribeLoadBalancers({ Marker: 'garbage' })],
      ['InvalidNextToken', (c) => c.autoScaling.DescribeAutoScalingGroups({ NextToken: 'garbage' })],
    ];
    const shape = (e: any) => ({ cls: e.constructor.name, name: e.name, Code: e.Code, fault: e.$fault, status: e.$metadata?.httpStatusCode, classified: classifyAwsError(e), message: e.message });
    for (const [code, send] of failing) {
      const remoteErr = await send(clients).then(() => undefined, (e) => e);
      const localErr = await send(local).then(() => undefined, (e) => e);
      expect({ code, ...shape(remoteErr) }).toEqual({ code, ...shape(localErr) });
      expect(remoteErr.name === code || remoteErr.Code === code || remoteErr.constructor.name === code).toBe(true);
    }
    const ami: any = await failing[0][1](clients).catch((e) => e);
    expect(ami).toBeInstanceOf(EC2ServiceException);
    expect({ code: ami.Code, classified: classifyAwsError(ami) }).toEqual({ code: 'InvalidAMIID.NotFound', classified: 'notFound' });
    expect(await failing[1][1](clients).catch((e) => e)).toBeInstanceOf(QueueDoesNotExist);
    account.failNext('AutoScaling', 'CreateAutoScalingGroup', 'Throttling');
    const throttled = await clients.autoScaling.CreateAutoScalingGroup({ AutoScalingGroupName: 'g', MinSize: 0, MaxSize: 0 }).catch((e) => e);
    expect({ name: throttled.name, cls: classifyAwsError(throttled) }).toEqual({ name: 'Throttling', cls: 'throttled' });
    await expect(remotes[0].call('Lambda', 'Invoke', {})).rejects.toBeInstanceOf(SimNotImplemented);
  });

  it('keeps Dates as Dates', async () => {
    const { clients } = await client();
    const run = await clients.ec2.RunInstances({ ImageId: 'ami-0a1b2c3d4e5f60001', MinCount: 1, MaxCount: 1, InstanceType: 't3.small' });
    expect(run.Instances?.[0].LaunchTime).toBeInstanceOf(Date);
    expect(run.Instances?.[0].LaunchTime?.getTime()).toBe(START);
  });

  it('owns the clock: speed 0 moves only on advance or a driving wait; clients mirror it and their timers fire in order', async () => {
    const { remote } = await client();
    const fired: number[] = [];
    void remote.clock.sleep(5_000).then(() => fired.push(remote.clock.nowMs() - START));
    void remote.clock.sleep(2_000).then(() => fired.push(remote.clock.nowMs() - START));
    expect(await remote.waitUntil(START + 60_000, false, 0)).toBe(START);
    expect(account.nowMs()).toBe(START);
    await remote.pass(10_000, () => new Promise((r) => setImmediate(r)));
    expect(account.nowMs()).toBe(START + 10_000);
    expect(fired).toEqual([2_000, 5_000]);
    const other = await client();
    await other.remote.advance(30_000);
    expect(account.nowMs()).toBe(START + 40_000);
    await remote.call('EC2', 'DescribeSubnets', {});
    expect(remote.clock.nowMs()).toBe(START + 40_000);
  });

  it('moves time by itself with speed > 0, and a follower sees it', async () => {
    const fast = await startSimServer({ account: new SimAccount({ clock: new VirtualClock(START) }), speed: 1_000, tickMs: 5 });
    const remote = await RemoteSim.connect(fast.url);
    try {
      remote.follow();
      await remote.clock.sleep(3_000);
      expect(remote.clock.nowMs()).toBeGreaterThanOrEqual(START + 3_000);
    } finally {
      remote.close();
      await fast.close();
    }
  });

  it('answers a malformed request with 400 or 404 and a message naming what is wrong, and stays up', async () => {
    const post = async (route: string, body: string) => {
      const res = await fetch(`${server.url}${route}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      return { status: res.status, body: await res.json() };
    };
    expect(await post('/v1/call', '{"service": 1}')).toEqual({ status: 400, body: { error: 'call: "service" and "operation" must be strings' } });
    expect(await post('/v1/call', '{not json')).toMatchObject({ status: 400 });
    expect(await post('/v1/control', '{"method": "persistTo", "args": ["/etc/passwd"]}')).toEqual({ status: 400, body: { error: expect.stringMatching(/^control: unknown method "persistTo" \(one of failNext, /) } });
    expect(await post('/v1/clock/advance', '{"ms": -5}')).toEqual({ status: 400, body: { error: 'clock/advance: "ms" must be a non-negative number, got -5' } });
    expect(await post('/v2/call', '{}')).toMatchObject({ status: 404, body: { error: expect.stringContaining("no route POST /v2/call (this is drover's simulated account, protocol /v1)") } });
    const { remote } = await client();
    expect((await remote.call('EC2', 'DescribeSubnets', {})).Subnets.length).toBeGreaterThan(0);
  });

  it('says clearly when nothing answers at the URL', async () => {
    await server.close();
    const err = await RemoteSim.connect(server.url).catch((e) => e);
    expect(err).toBeInstanceOf(SimServerUnreachable);
    expect(err.message).toContain(`simulated account at ${server.url} is not answering (GET /clock: ECONNREFUSED)`);
    expect(() => RemoteSim.connectSync(server.url)).toThrow(/is not answering \(ECONNREFUSED\); start it with 'drover sim serve'/);
    // (connectSync blocks this process, so it cannot reach a server in it: the CLI tests cover it.)
    server = await startSimServer({ account, speed: 0 });
  });
});
