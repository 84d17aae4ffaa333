/**
 * The state directory's exclusive lock, through real processes: a running daemon holds it; a
 * second daemon and an apply are refused at once naming the holder's pid; get and plan still
 * work; after the daemon is SIGKILLed the next apply takes the stale lock over. And in one
 * process: of two applies at once, the second is refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../src/main/cli';
import { droverProcess, ensureBuilt, ROOT } from './support/cli-process';

const MINIMAL = path.resolve(__dirname, '../manifests/examples/minimal.yaml');

/** Start `drover daemon --sim` as a child; resolves once it holds the lock (it logs after taking it) and its log matches `until`. */
function startDaemon(args: string[], lock: string, until = /./): Promise<ChildProcess> {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/drover.js'), 'daemon', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    (child as ChildProcess & { log: () => string }).log = () => err;
    child.stderr!.on('data', (d) => {
      err += String(d);
      if (fs.existsSync(lock) && until.test(err)) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`daemon exited ${code} before taking the lock: ${err}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));

describe('state directory lock (child processes)', () => {
  jest.setTimeout(120_000);
  let dir: string;
  let stateDir: string;
  let daemon: ChildProcess | undefined;
  const state = () => ['--sim', '--state-dir', stateDir, '--log-level', 'error'];

  beforeAll(() => ensureBuilt());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-lock-'));
    stateDir = path.join(dir, 'state');
    fs.mkdirSync(path.join(dir, 'manifests'));
    fs.copyFileSync(MINIMAL, path.join(dir, 'manifests', 'minimal.yaml'));
  });
  afterEach(async () => {
    if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGKILL');
      await exited(daemon);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second daemon and an apply while the daemon runs, serves get and plan, and takes over after SIGKILL', async () => {
    expect((await droverProcess(['apply', '-f', MINIMAL, '--fresh', ...state()])).code).toBe(0);
    const lock = path.join(stateDir, 'lock');
    expect(fs.existsSync(lock)).toBe(false);

    daemon = await startDaemon(['-f', path.join(dir, 'manifests'), '--listen', '127.0.0.1:0', '--speed', '5', ...state(), '--log-level', 'info'], lock);
    const holder = JSON.parse(fs.readFileSync(lock, 'utf8'));
    expect(holder).toMatchObject({ pid: daemon.pid, command: 'drover daemon', hostname: os.hostname() });

    const second = await droverProcess(['daemon', '-f', path.join(dir, 'manifests'), '--listen', '127.0.0.1:0', ...state()]);
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([`drover: state directory ${stateDir} is in use by drover daemon (pid ${daemon.pid}, since ${holder.startedAt}); stop it or use another --state-dir (daemons that share fleets use --state dynamodb://TABLE)`]);

    const apply = await droverProcess(['apply', '-f', MINIMAL, ...state()]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`in use by drover daemon (pid ${daemon.pid}`);
    const call = await droverProcess(['sim', 'call', 'AutoScaling', 'DescribeAutoScalingGroups', '{}', ...state()]);
    expect(call.code).toBe(1);
    expect(call.stderr).toContain(`in use by drover daemon (pid ${daemon.pid}`);

    // Every other writing command: refused at once, naming the daemon; the daemon's world stays.
    for (const args of [['bake', 'magento-marketplace', '--commit', 'abc1234', '-f', path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml')], ['delete', 'fleet', 'minimal', '-f', MINIMAL, '--yes'], ['sim', 'advance', '1m'], ['sim', 'reset']]) {
      const refused = await droverProcess([...args, ...state()]);
      expect({ args, code: refused.code, named: refused.stderr.includes(`in use by drover daemon (pid ${daemon.pid}`) }).toEqual({ args, code: 1, named: true });
    }
    expect(fs.existsSync(path.join(stateDir, 'sim', 'account.json'))).toBe(true);
    const get = await droverProcess(['get', 'fleets', '-o', 'json', ...state()]);
    expect(get.code).toBe(0);
    expect(JSON.parse(get.stdout).items.map((f: { name: string }) => f.name)).toEqual(['minimal']);
    const live = await droverProcess(['get', 'fleets', '--live', ...state()]);
    expect(live.code).toBe(0);
    expect(live.stdout).toContain('minimal');
    const plan = await droverProcess(['plan', '-f', MINIMAL, ...state()]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('fleet minimal');
    // Still the daemon's lock: neither refused command nor plan touched it.
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(daemon.pid);

    daemon.kill('SIGKILL');
    await exited(daemon);
    const after = await droverProcess(['apply', '-f', MINIMAL, ...state()]);
    expect(after.code).toBe(0);
    expect(after.stderr).toContain(`taking over the stale lock on state directory ${stateDir}: drover daemon (pid ${daemon.pid}`);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('releases the lock when the daemon stops on SIGTERM', async () => {
    // After its first reconcile its signal handlers are surely installed (a SIGTERM before them kills it
    // outright, leaving a stale lock that the next writer takes over, as after SIGKILL).
    const lock = path.join(stateDir, 'lock');
    daemon = await startDaemon(['-f', path.join(dir, 'manifests'), '--listen', '127.0.0.1:0', ...state(), '--log-level', 'info'], lock, /"event":"reconcile\.done"/);
    daemon.kill('SIGTERM');
    await exited(daemon);
    expect({ code: daemon.exitCode, signal: daemon.signalCode, log: daemon.exitCode === 0 ? '' : (daemon as ChildProcess & { log: () => string }).log() }).toEqual({ code: 0, signal: null, log: '' });
    expect(fs.existsSync(lock)).toBe(false);
    const apply = await droverProcess(['apply', '-f', MINIMAL, ...state()]);
    expect(apply.code).toBe(0);
    expect(apply.stderr).not.toContain('stale lock');
  });
});

describe('state directory lock (one process)', () => {
  it('refuses the second of two applies at once, then releases the lock', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-lock-inproc-'));
    const args = ['node', 'drover', 'apply', '-f', MINIMAL, '--sim', '--state-dir', path.join(dir, 'state'), '--log-level', 'error'];
    let stderr = '';
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    try {
      await Promise.all([main(args), main(args)]);
      const refusals = stderr.split('\n').filter((l) => l.includes('is in use by'));
      expect(refusals).toEqual([`drover: state directory ${path.join(dir, 'state')} is in use by drover apply (pid ${process.pid}, since ${refusals[0]?.match(/since ([^)]+)\)/)?.[1]}); stop it or use another --state-dir (daemons that share fleets use --state dynamodb://TABLE)`]);
      expect(fs.existsSync(path.join(dir, 'state', 'lock'))).toBe(false);
      process.exitCode = undefined;
      await main(args);
      expect(process.exitCode).toBe(0);
    } finally {
      out.mockRestore();
      err.mockRestore();
      process.exitCode = undefined;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
