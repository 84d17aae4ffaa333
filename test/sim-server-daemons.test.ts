/**
 * Two `drover daemon` processes on one served simulated account, each with its own state
 * directory and fleet: both converge, each daemon's clock follows the server's (the daemons never
 * move it), and the account puts its events on the queue a daemon named. The test waits on the
 * account's virtual clock (the server holds each wait), never on a real-time sleep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RemoteSim } from '../src/sim/remote';
import { ensureBuilt, ROOT } from './support/cli-process';
import { writeExampleManifest } from './support/example-manifest';
import { startSimServerProcess, type SimServerProcess } from './support/sim-server-process';

const MINIMAL = path.resolve(__dirname, '../manifests/examples/minimal.yaml');

function startDaemon(url: string, manifests: string, stateDir: string): ChildProcess & { log: () => string } {
  const env = { ...process.env, DROVER_SIM_URL: url, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/drover.js'), 'daemon', '-f', manifests, '--listen', '127.0.0.1:0', '--state-dir', stateDir, '--log-level', 'warn'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  return Object.assign(child, { log: () => err });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));

interface Group {
  DesiredCapacity: number;
  Instances: Array<{ LifecycleState: string; HealthStatus: string }>;
  Tags: Array<{ Key: string; Value: string }>;
}

describe('two daemons on one served account (child processes)', () => {
  jest.setTimeout(240_000);
  let dir: string;
  let server: SimServerProcess | undefined;
  const daemons: ChildProcess[] = [];
  let remote: RemoteSim | undefined;

  beforeAll(() => ensureBuilt());
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-simserve-daemons-'))));
  afterEach(async () => {
    remote?.close();
    for (const d of daemons.splice(0)) {
      if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
      await exited(d);
    }
    await server?.stop('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('converges both fleets, each daemon following the served clock', async () => {
    server = await startSimServerProcess(['--speed', '20', '--state-dir', path.join(dir, 'account'), '--log-level', 'error']);
    for (const name of ['a', 'b']) fs.mkdirSync(path.join(dir, `manifests-${name}`));
    writeExampleManifest(path.join(dir, 'manifests-a'), 'magento.yaml', 'ami-0a1b2c3d4e5f60001');
    fs.copyFileSync(MINIMAL, path.join(dir, 'manifests-b', 'minimal.yaml'));
    daemons.push(startDaemon(server.url, path.join(dir, 'manifests-a'), path.join(dir, 'replica-a')));
    daemons.push(startDaemon(server.url, path.join(dir, 'manifests-b'), path.join(dir, 'replica-b')));

    remote = await RemoteSim.connect(server.url);
    const start = remote.clock.nowMs();
    const converged = (groups: Group[], fleet: string) =>
      groups.some((g) => g.Tags.some((t) => t.Key === 'drover:fleet' && t.Value === fleet) && g.DesiredCapacity > 0 && g.Instances.filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy').length === g.DesiredCapacity);
    let done = { magento: false, minimal: false };
    // Up to 2 virtual hours, looked at every virtual minute.
    while (!(done.magento && done.minimal) && remote.clock.nowMs() - start < 2 * 3_600_000) {
      await remote.waitUntil(remote.clock.nowMs() + 60_000, false);
      const groups = (await remote.call('AutoScaling', 'DescribeAutoScalingGroups', {})).AutoScalingGroups as Group[];
      done = { magento: converged(groups, 'magento-marketplace'), minimal: converged(groups, 'minimal') };
      for (const d of daemons) if (d.exitCode !== null) throw new Error(`a daemon exited ${d.exitCode}: ${(d as ChildProcess & { log: () => string }).log()}`);
    }
    expect(done).toEqual({ magento: true, minimal: true });
    // The daemon with an event queue told the served account to put its events there.
    const state = await remote.control<{ eventQueue?: string }>('snapshot');
    expect(state.eventQueue).toBe('drover-events');
    // Neither daemon kept an account of its own.
    for (const r of ['replica-a', 'replica-b']) expect(fs.existsSync(path.join(dir, r, 'sim', 'account.json'))).toBe(false);

    for (const d of daemons) d.kill('SIGTERM');
    expect(await Promise.all(daemons.map(exited))).toEqual([0, 0]);
  });
});
