/**
 * One simulated account shared by several drover processes (issue 13, item 5), through real
 * child processes: `drover sim serve` holds the account; `drover sim call` processes pointed at it
 * with DROVER_SIM_URL see each other's resources and messages; an AWS error keeps its code; an
 * `apply --wait` in another process converges the example fleet on it; SIGTERM saves and exits 0.
 * The server runs with --speed 0: virtual time moves only when a client waits, so nothing here
 * depends on real time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from './support/cli-process';
import { writeExampleManifest } from './support/example-manifest';
import { droverWithSim, startSimServerProcess, type SimServerProcess } from './support/sim-server-process';

describe('drover sim serve (child processes)', () => {
  jest.setTimeout(180_000);
  let dir: string;
  let accountDir: string;
  let server: SimServerProcess | undefined;
  const quiet = ['--log-level', 'error'];
  const call = (url: string | undefined, service: string, op: string, input: unknown, stateDir = path.join(dir, 'client')) =>
    droverWithSim(url, ['sim', 'call', service, op, JSON.stringify(input), '--state-dir', stateDir, ...quiet]);

  beforeAll(() => ensureBuilt());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-simserve-'));
    accountDir = path.join(dir, 'account');
  });
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets one process create what another sees, keeps AWS error codes, and saves the account on SIGTERM', async () => {
    server = await startSimServerProcess(['--speed', '0', '--state-dir', accountDir, ...quiet]);
    const url = server.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse(fs.readFileSync(path.join(accountDir, 'sim', 'server.json'), 'utf8'))).toEqual({ url, pid: server.child.pid });

    const created = await call(url, 'SQS', 'CreateQueue', { QueueName: 'drover-events' });
    expect(created.stderr).toBe('');
    const queueUrl = JSON.parse(created.stdout).QueueUrl as string;
    const sent = await call(url, 'SQS', 'SendMessage', { QueueUrl: queueUrl, MessageBody: 'merge abc1234' });
    expect(sent.code).toBe(0);
    const run = await call(url, 'EC2', 'RunInstances', { ImageId: 'ami-0a1b2c3d4e5f60001', MinCount: 2, MaxCount: 2, InstanceType: 't3.small' });
    const ids = (JSON.parse(run.stdout).Instances as Array<{ InstanceId: string }>).map((i) => i.InstanceId).sort();
    expect(ids).toHaveLength(2);

    // Another process (another state directory): the same account.
    const received = await call(url, 'SQS', 'ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10 }, path.join(dir, 'other'));
    expect(JSON.parse(received.stdout).Messages.map((m: { MessageId: string; Body: string }) => [m.MessageId, m.Body])).toEqual([[JSON.parse(sent.stdout).MessageId, 'merge abc1234']]);
    const described = await call(url, 'EC2', 'DescribeInstances', { InstanceIds: ids }, path.join(dir, 'other'));
    expect(JSON.parse(described.stdout).Reservations.flatMap((r: { Instances: Array<{ InstanceId: string }> }) => r.Instances.map((i) => i.InstanceId)).sort()).toEqual(ids);

    // The error keeps its AWS code through the wire.
    const bad = await call(url, 'EC2', 'RunInstances', { ImageId: 'ami-00000000000000bad', MinCount: 1, MaxCount: 1 });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe("drover: EC2 RunInstances failed: InvalidAMIID.NotFound: The image id '[ami-00000000000000bad]' does not exist");
    const invalid = await call(url, 'ElasticLoadBalancing', 'DescribeLoadBalancers', { Marker: 'garbage' });
    expect(invalid.stderr).toMatch(/^drover: ElasticLoadBalancing DescribeLoadBalancers failed: ValidationError: /);

    // `sim …` on the server's own state directory reaches it without DROVER_SIM_URL (no lock refusal, nothing lost).
    const advanced = await droverWithSim(undefined, ['sim', 'advance', '10m', '--state-dir', accountDir, ...quiet]);
    expect(advanced.stderr).toBe('');
    const found = await call(undefined, 'EC2', 'DescribeInstances', { InstanceIds: ids }, accountDir);
    const states = JSON.parse(found.stdout).Reservations.flatMap((r: { Instances: Array<{ State: { Name: string } }> }) => r.Instances.map((i) => i.State.Name));
    expect(states).toEqual(['running', 'running']);
    // A writing command that needs the state directory itself is refused, naming the server.
    const apply = await droverWithSim(undefined, ['apply', '-f', writeExampleManifest(dir, 'fleet.yaml', 'ami-0a1b2c3d4e5f60001'), '--sim', '--state-dir', accountDir, ...quiet]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`is in use by drover sim serve (pid ${server.child.pid}`);

    const stopped = await server.stop('SIGTERM');
    expect({ code: stopped.code, stderr: stopped.stderr }).toEqual({ code: 0, stderr: '' });
    expect(fs.existsSync(path.join(accountDir, 'sim', 'server.json'))).toBe(false);
    expect(fs.existsSync(path.join(accountDir, 'lock'))).toBe(false);
    // Saved: the account on disk, read in-process afterwards, has both instances and the virtual time moved.
    const after = await call(undefined, 'EC2', 'DescribeInstances', { InstanceIds: ids }, accountDir);
    expect(JSON.parse(after.stdout).Reservations.flatMap((r: { Instances: unknown[] }) => r.Instances)).toHaveLength(2);
    const gone = await call(url, 'EC2', 'DescribeInstances', {});
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`drover: simulated account at ${url} is not answering (GET /clock: ECONNREFUSED); start it with 'drover sim serve'`);
  });

  it('converges the example fleet with apply --wait in another process, and the account shows it to a third', async () => {
    server = await startSimServerProcess(['--speed', '0', '--state-dir', accountDir, ...quiet]);
    const manifest = writeExampleManifest(dir, 'fleet.yaml', 'ami-0a1b2c3d4e5f60001');
    const apply = await droverWithSim(server.url, ['apply', '-f', manifest, '--wait', '--state-dir', path.join(dir, 'replica-1'), '-o', 'json', ...quiet]);
    expect({ code: apply.code, stderr: apply.stderr.split('\n').filter((l) => l.startsWith('drover:')) }).toEqual({ code: 0, stderr: [] });
    expect(JSON.parse(apply.stdout)).toMatchObject({ fleet: 'magento-marketplace', ready: true });
    // Nothing of the account was written in the client's state directory.
    expect(fs.existsSync(path.join(dir, 'replica-1', 'sim', 'account.json'))).toBe(false);

    const groups = await call(server.url, 'AutoScaling', 'DescribeAutoScalingGroups', {}, path.join(dir, 'replica-2'));
    const group = JSON.parse(groups.stdout).AutoScalingGroups.find((g: { Tags: Array<{ Key: string; Value: string }> }) => g.Tags.some((t) => t.Key === 'drover:fleet' && t.Value === 'magento-marketplace'));
    expect(group.Instances.filter((i: { LifecycleState: string }) => i.LifecycleState === 'InService').length).toBe(group.DesiredCapacity);
    // A plan from a third process against the same account has nothing left to do.
    const plan = await droverWithSim(server.url, ['plan', '-f', manifest, '--detailed-exitcode', '--state-dir', path.join(dir, 'replica-2'), ...quiet]);
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
    // Ctrl-C: the server closes, saves and exits 0 too.
    expect(await server.stop('SIGINT')).toEqual({ code: 0, signal: null, stderr: '' });
    expect(fs.existsSync(path.join(accountDir, 'sim', 'account.json'))).toBe(true);
  });
});
