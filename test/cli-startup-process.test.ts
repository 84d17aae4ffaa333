/**
 * `drover get fleets` as a real process (bin/drover.js → dist/) on an empty state directory
 * loads neither the AWS SDK nor xstate: a preload records require.cache at exit. A behaviour
 * test, not a timing: the start-up time is the cli-startup and scale benches' figure.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, ROOT } from './support/cli-process';

jest.setTimeout(120_000);

const PROBE = `process.on('exit', () => require('fs').writeFileSync(process.env.DROVER_PROBE_OUT, JSON.stringify(Object.keys(require.cache))));\n`;

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-startup-process-'));
  fs.writeFileSync(path.join(dir, 'probe.js'), PROBE);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The modules a `drover ARGS` process loaded, and its exit status. */
function modulesLoadedBy(args: string[]): { modules: string[]; status: number | null; stderr: string } {
  const stateDir = fs.mkdtempSync(path.join(dir, 'state-'));
  const out = path.join(dir, 'modules.json');
  fs.rmSync(out, { force: true });
  const env = { ...process.env, DROVER_PROBE_OUT: out, DROVER_STATE_DIR: stateDir, DROVER_SERVER: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const r = spawnSync(process.execPath, ['--require', path.join(dir, 'probe.js'), path.join(ROOT, 'bin/drover.js'), ...args], { env, encoding: 'utf8' });
  return { modules: JSON.parse(fs.readFileSync(out, 'utf8')) as string[], status: r.status, stderr: r.stderr };
}

const from = (modules: string[], pkg: string) => modules.filter((m) => m.includes(`${path.sep}node_modules${path.sep}${pkg}${path.sep}`));

describe('drover get fleets, as a process', () => {
  it('on an empty state directory loads no @aws-sdk module and no xstate', () => {
    const run = modulesLoadedBy(['get', 'fleets']);
    expect(run.status).toBe(0);
    expect(run.modules.some((m) => m.endsWith(path.join('dist', 'main', 'cli.js')))).toBe(true);
    expect(from(run.modules, '@aws-sdk')).toEqual([]);
    expect(from(run.modules, 'xstate')).toEqual([]);
  });

  it('the probe sees them when a command needs them: the SDK for the simulated account, xstate for diagrams', () => {
    const sim = modulesLoadedBy(['sim', 'advance', '1m']);
    expect(sim.status).toBe(0);
    expect(from(sim.modules, '@aws-sdk').length).toBeGreaterThan(0);
    const diagram = modulesLoadedBy(['rollout', 'diagram']);
    expect(diagram.status).toBe(0);
    expect(from(diagram.modules, 'xstate').length).toBeGreaterThan(0);
  });
});
