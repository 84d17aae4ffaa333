/**
 * `drover sim …` against a served account, in-process (the server runs in this test process):
 * every subcommand reaches the served account and changes nothing locally; bad flags and a bad
 * DROVER_SIM_URL are usage errors (exit 2) that name the flag or variable.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../sim/account';
import { startSimServer, type SimServer } from '../sim/server';
import { VirtualClock } from '../util/clock';
import { drover } from '../../test/support/cli';

const START = Date.UTC(2026, 10, 26, 9, 0, 0);

describe('drover sim … with DROVER_SIM_URL', () => {
  let dir: string;
  let account: SimAccount;
  let server: SimServer;
  const state = () => ['--state-dir', path.join(dir, 'state')];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-simurl-'));
    account = new SimAccount({ clock: new VirtualClock(START) });
    server = await startSimServer({ account, speed: 0 });
    process.env.DROVER_SIM_URL = server.url;
  });
  afterEach(async () => {
    delete process.env.DROVER_SIM_URL;
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends every sim subcommand to the served account and keeps nothing locally', async () => {
    expect((await drover('sim', 'advance', '90s', ...state())).stdout).toBe(`advanced 1m30s; virtual time is now ${new Date(START + 90_000).toISOString()}\n`);
    expect(account.nowMs()).toBe(START + 90_000);
    expect((await drover('sim', 'load', 'magento-marketplace', '250', ...state())).code).toBe(0);
    expect((await drover('sim', 'break-ami', 'ami-0a1b2c3d4e5f60002', ...state())).code).toBe(0);
    expect((await drover('sim', 'build-result', 'ABC1234', '--fail', 'composer: conflict', ...state())).code).toBe(0);
    const snap = account.snapshot();
    expect({ load: snap.loads['magento-marketplace'], broken: snap.brokenAmis, build: snap.buildResults.abc1234 }).toEqual({
      load: 250,
      broken: ['ami-0a1b2c3d4e5f60002'],
      build: { ok: false, durationMs: 240_000, message: 'composer: conflict' },
    });
    expect((await drover('sim', 'fault', 'EC2', 'DescribeSubnets', 'RequestLimitExceeded', '--times', '1', ...state())).code).toBe(0);
    const failed = await drover('sim', 'call', 'EC2', 'DescribeSubnets', '{}', ...state());
    expect({ code: failed.code, stderr: failed.stderr }).toEqual({ code: 1, stderr: 'drover: EC2 DescribeSubnets failed: RequestLimitExceeded: Request limit exceeded.\n' });
    const ok = await drover('sim', 'call', 'EC2', 'DescribeSubnets', '{}', ...state());
    expect(JSON.parse(ok.stdout).Subnets.length).toBeGreaterThan(0);
    expect(account.calls.map((c) => [c.operation, c.error])).toEqual([['DescribeSubnets', 'RequestLimitExceeded'], ['DescribeSubnets', undefined]]);
    expect(fs.existsSync(path.join(dir, 'state', 'sim', 'account.json'))).toBe(false);
    const reset = await drover('sim', 'reset', ...state());
    expect({ code: reset.code, stderr: reset.stderr }).toEqual({ code: 2, stderr: expect.stringContaining(`drover: sim reset: the simulated account is served at ${server.url}`) });
  });

  it('without a served account, refuses a sim command while another process holds the state directory, and says how to share one', async () => {
    delete process.env.DROVER_SIM_URL;
    const stateDir = path.join(dir, 'state');
    fs.mkdirSync(stateDir, { recursive: true });
    // A live process on this host (our parent) holds the lock, as a running `drover daemon --sim` does.
    const holder = { pid: process.ppid, command: 'drover daemon', hostname: os.hostname(), startedAt: '2026-12-04T08:00:00.000Z' };
    fs.writeFileSync(path.join(stateDir, 'lock'), JSON.stringify(holder));
    const sent = await drover('sim', 'call', 'SQS', 'SendMessage', '{"QueueUrl":"q","MessageBody":"lost?"}', ...state());
    expect(sent.code).toBe(1);
    expect(sent.stderr).toBe(
      `drover: state directory ${stateDir} is in use by drover daemon (pid ${process.ppid}, since 2026-12-04T08:00:00.000Z); stop it or use another --state-dir (daemons that share fleets use --state dynamodb://TABLE)` +
        " (for several processes on one simulated account, run 'drover sim serve' and set DROVER_SIM_URL to its URL)\n",
    );
    expect(fs.existsSync(path.join(stateDir, 'sim', 'account.json'))).toBe(false);
  });

  it('refuses a bad DROVER_SIM_URL and bad serve flags as usage errors', async () => {
    process.env.DROVER_SIM_URL = 'ftp://127.0.0.1:1';
    expect(await drover('sim', 'call', 'EC2', 'DescribeSubnets', '{}', ...state())).toMatchObject({ code: 2, stderr: 'drover: DROVER_SIM_URL: "ftp://127.0.0.1:1" is not an http:// URL (expected the http://127.0.0.1:PORT that \'drover sim serve\' prints)\n' });
    process.env.DROVER_SIM_URL = 'not a url';
    expect((await drover('sim', 'advance', '1m', ...state())).stderr).toBe('drover: DROVER_SIM_URL: "not a url" is not a URL (expected the http://127.0.0.1:PORT that \'drover sim serve\' prints)\n');
    process.env.DROVER_SIM_URL = server.url;
    const minimal = path.resolve(__dirname, '../../manifests/examples/minimal.yaml');
    expect(await drover('apply', '-f', minimal, '--sim', '--fresh', ...state())).toMatchObject({
      code: 2,
      stderr: `drover: --fresh: the account served at ${server.url} (DROVER_SIM_URL) is not reset by its clients; restart it with 'drover sim serve --fresh'\n`,
    });
    expect(await drover('sim', 'serve', ...state())).toMatchObject({ code: 2, stderr: expect.stringContaining('drover: sim serve: DROVER_SIM_URL is set') });
    delete process.env.DROVER_SIM_URL;
    expect(await drover('sim', 'serve', '--listen', '0.0.0.0:0', ...state())).toMatchObject({ code: 2, stderr: 'drover: --listen: "0.0.0.0:0": the simulated account is served on loopback only (127.0.0.1, ::1 or localhost)\n' });
    expect(await drover('sim', 'serve', '--listen', 'nowhere', ...state())).toMatchObject({ code: 2, stderr: 'drover: --listen: "nowhere" is not host:port\n' });
    expect(await drover('sim', 'serve', '--speed', '-1', ...state())).toMatchObject({ code: 2, stderr: 'drover: --speed: "-1" is not a non-negative number\n' });
    expect(fs.existsSync(path.join(dir, 'state', 'lock'))).toBe(false);
  });
});
