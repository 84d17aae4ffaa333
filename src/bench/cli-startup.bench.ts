/**
 * `npm run bench -- cli-startup`: how fast the CLI starts. The median wall time of `drover get
 * fleets` on an empty state directory over RUNS runs, divided by the median of `node -e 0` timed
 * the same way, interleaved, in the same run: the ratio holds on a loaded machine where the
 * milliseconds do not. Beside the times: modules loaded (SDK ones apart) and peak RSS, read by a
 * preload at exit, untimed. With CLI_STARTUP_BASELINE_BIN (another build's bin/drover.js; name it
 * with CLI_STARTUP_BASELINE_LABEL, e.g. a commit) the same figures are measured for it,
 * interleaved, so before and after share the machine's load.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUNS = 15;

/** Printed at exit by every probed process: what it loaded and its peak RSS. */
const PROBE = `process.on('exit', () => {
  const keys = Object.keys(require.cache);
  const figures = { modules: keys.length, sdkModules: keys.filter((k) => k.includes('/@aws-sdk/')).length, maxRssMb: Math.round(process.resourceUsage().maxRSS / 102.4) / 10 };
  require('fs').writeFileSync(process.env.DROVER_PROBE_OUT, JSON.stringify(figures));
});
`;

export interface ProcessFigures {
  modules: number;
  sdkModules: number;
  maxRssMb: number;
}

export interface CliStartupFigures {
  /** Median ms of `drover get fleets` on an empty state directory. */
  getFleetsMedianMs: number;
  /** getFleetsMedianMs / nodeMedianMs: the goal is at most 3. */
  ratioToNode: number;
  getFleets: ProcessFigures;
  version: ProcessFigures;
}

export interface CliStartupResult {
  runs: number;
  nodeMedianMs: number;
  goalRatio: number;
  metGoal: boolean;
  after: CliStartupFigures;
  before?: CliStartupFigures & { build: string };
  note: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function timedMs(args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`running node ${args.join(' ')}: exit ${r.status}: ${String(r.stderr).trim()}`);
  return ms;
}

function probe(bin: string, args: string[], dir: string, env: NodeJS.ProcessEnv): ProcessFigures {
  const probeFile = path.join(dir, 'probe.js');
  const out = path.join(dir, 'probe-out.json');
  fs.writeFileSync(probeFile, PROBE);
  timedMs(['--require', probeFile, bin, ...args], { ...env, DROVER_PROBE_OUT: out });
  return JSON.parse(fs.readFileSync(out, 'utf8')) as ProcessFigures;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export async function benchCliStartup(root: string): Promise<CliStartupResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-startup-'));
  const stateDir = path.join(dir, 'state');
  fs.mkdirSync(stateDir);
  const env = { ...process.env, DROVER_STATE_DIR: stateDir, DROVER_SERVER: '' };
  const bins = { after: path.join(root, 'bin/drover.js'), before: process.env.CLI_STARTUP_BASELINE_BIN };
  const times: { node: number[]; after: number[]; before: number[] } = { node: [], after: [], before: [] };
  try {
    for (let i = 0; i < RUNS; i++) {
      times.node.push(timedMs(['-e', '0'], env));
      times.after.push(timedMs([bins.after, 'get', 'fleets'], env));
      if (bins.before) times.before.push(timedMs([bins.before, 'get', 'fleets'], env));
    }
    const nodeMedianMs = round(median(times.node));
    const figures = (bin: string, ms: number[]): CliStartupFigures => ({
      getFleetsMedianMs: round(median(ms)),
      ratioToNode: round(median(ms) / median(times.node), 2),
      getFleets: probe(bin, ['get', 'fleets'], dir, env),
      version: probe(bin, ['--version'], dir, env),
    });
    const after = figures(bins.after, times.after);
    return {
      runs: RUNS,
      nodeMedianMs,
      goalRatio: 3,
      metGoal: after.ratioToNode <= 3,
      after,
      ...(bins.before ? { before: { build: process.env.CLI_STARTUP_BASELINE_LABEL ?? bins.before, ...figures(bins.before, times.before) } } : {}),
      note: `measured on ${os.cpus().length} CPUs shared with other work (load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}): milliseconds are noisy, ratios to node -e 0 in the same run are the figure`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The scale bench's start-up figures (issue 14): `drover get fleets` on an empty state directory against `node -e 0`, medians of interleaved runs. */
export interface CliStartupRatio {
  /** cliStartupMs / nodeStartupMs: the goal is at most 3. */
  cliStartupRatio: number;
  cliStartupMs: number;
  nodeStartupMs: number;
}

export function measureCliStartupRatio(root: string, runs = RUNS): CliStartupRatio {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-startup-'));
  const env = { ...process.env, DROVER_STATE_DIR: dir, DROVER_SERVER: '' };
  const node: number[] = [];
  const cli: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      node.push(timedMs(['-e', '0'], env));
      cli.push(timedMs([path.join(root, 'bin/drover.js'), 'get', 'fleets'], env));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { cliStartupRatio: round(median(cli) / median(node), 2), cliStartupMs: round(median(cli)), nodeStartupMs: round(median(node)) };
}

export function summarizeCliStartup(r: CliStartupResult): string {
  const line = (label: string, f: CliStartupFigures) =>
    `  ${label}: get fleets ${f.getFleetsMedianMs} ms = ${f.ratioToNode} x node -e 0; ${f.getFleets.modules} modules (${f.getFleets.sdkModules} SDK), peak RSS ${f.getFleets.maxRssMb} MB; --version ${f.version.modules} modules, ${f.version.maxRssMb} MB`;
  return [`  node -e 0: ${r.nodeMedianMs} ms (median of ${r.runs})`, ...(r.before ? [line('before', r.before)] : []), line('now', r.after), `  goal ratio <= ${r.goalRatio}: ${r.metGoal ? 'met' : 'NOT met'}`].join('\n');
}
