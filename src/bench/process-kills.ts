/**
 * `npm run bench -- process-kills [--seed N] [--kills N]`: real `drover` processes (bin/drover.js)
 * on one temp state directory, killed with SIGINT, SIGTERM or SIGKILL after a random real delay
 * (a seeded fraction of how long such a process has been taking on this machine, so kills land
 * mid-run on a fast machine and a slow one alike) while they bake or swap, then resumed by fresh `apply --wait` processes until one finishes.
 * After each round the invariants of process-kills-check.ts are checked. Which signal and which
 * delay come from a seeded PRNG; the real timing of a process still varies, so a seed repeats
 * the plan of kills, not the exact instant each one lands.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../sim';
import { seededRandom } from '../util/backoff';
import { checkRound, readAudit } from './process-kills-check';

export interface ProcessKillOptions {
  root: string;
  seed: number;
  kills: number;
  /** Fixed real delay range before a kill, instead of a fraction of the observed run time. */
  minDelayMs?: number;
  maxDelayMs?: number;
  log?: (line: string) => void;
}

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGKILL';
const SIGNALS: Signal[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];
const EXPECTED_CODE: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
const FLEET = 'magento-marketplace';
const AMIS = ['ami-0a1b2c3d4e5f60002', 'ami-0a1b2c3d4e5f60003', 'ami-0a1b2c3d4e5f60001'];

export interface ProcessKillResult {
  seed: number;
  kills: number;
  violations: number;
  bySignal: Record<Signal, number>;
  rounds: { swap: number; bake: number };
  processes: number;
  /** SIGINT/SIGTERM that landed after the handlers were up: exit 130/143 and the one stop line. */
  cleanStops: number;
  /** SIGINT/SIGTERM that landed while node was still loading (default action: no line, nothing had started). */
  earlyStops: number;
  details: string[];
}

interface Exit {
  wallMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export async function benchProcessKills(opts: ProcessKillOptions): Promise<ProcessKillResult> {
  const rand = seededRandom(opts.seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-process-kills-'));
  const stateDir = path.join(dir, 'state');
  const audit = path.join(dir, 'audit.jsonl');
  const files = AMIS.map((ami, i) => writeManifest(opts.root, dir, `r${i}.yaml`, ami));
  const base = writeManifest(opts.root, dir, 'base.yaml', 'ami-0a1b2c3d4e5f60001');
  const run = (args: string[], killAfter?: { signal: Signal; ms: number }) => runDrover(opts.root, [...args, '--sim', '--state-dir', stateDir, '--log-level', 'error'], audit, killAfter);
  const out: ProcessKillResult = { seed: opts.seed, kills: 0, violations: 0, bySignal: { SIGINT: 0, SIGTERM: 0, SIGKILL: 0 }, rounds: { swap: 0, bake: 0 }, processes: 0, cleanStops: 0, earlyStops: 0, details: [] };
  const fail = (round: number, why: string) => {
    if (!out.violations) opts.log?.(`  keeping ${dir} for inspection (state directory and audit trail)`);
    out.violations++;
    if (out.details.length < 50) out.details.push(`round ${round}: ${why}`);
    opts.log?.(`  round ${round}: VIOLATION ${why}`);
  };
  const first = await run(['apply', '-f', base, '--wait', '--fresh']);
  // How long a bake or swap process runs here, learnt from the ones not killed (moving average).
  let typicalMs = first.wallMs;
  if (first.code !== 0) throw new Error(`creating the fleet: drover apply exited ${first.code}: ${first.stderr.slice(-400)}`);
  let current = base;
  for (let round = 1; out.kills < opts.kills; round++) {
    const bake = rand() < 0.34;
    const next = bake ? current : files[(round - 1) % files.length];
    const command = bake ? ['bake', FLEET, '--commit', hex(rand, 10), '-f', current, '--wait'] : ['apply', '-f', next, '--wait'];
    out.rounds[bake ? 'bake' : 'swap']++;
    const account = SimAccount.load(path.join(stateDir, 'sim', 'account.json'));
    const startGroups = account.groups().filter((g) => !g.deleting).map((g) => g.name);
    const auditFrom = fs.existsSync(audit) ? fs.statSync(audit).size : 0;
    let done = false;
    for (let attempt = 0; attempt < 12 && !done; attempt++) {
      const args = attempt === 0 ? command : ['apply', '-f', next, '--wait'];
      const kill = attempt < 6 && out.kills < opts.kills && rand() < 0.8 ? { signal: SIGNALS[Math.floor(rand() * 3)], ms: delay(rand, opts, typicalMs) } : undefined;
      const exit = await run(args, kill);
      out.processes++;
      if (kill && (exit.signal || exit.code !== 0)) {
        out.kills++;
        out.bySignal[kill.signal]++;
        noteStop(out, kill.signal, exit, (why) => fail(round, why));
        continue;
      }
      if (exit.code !== 0) {
        fail(round, `${args.join(' ')} exited ${exit.code ?? exit.signal}: ${lastLine(exit.stderr)}`);
        break;
      }
      if (!kill) typicalMs = Math.round(0.7 * typicalMs + 0.3 * exit.wallMs);
      done = true;
    }
    current = next;
    const violations = await checkAfterRound(run, { round, stateDir, audit, auditFrom, startGroups });
    violations.forEach((v) => fail(round, v));
    opts.log?.(`  round ${round} (${bake ? 'bake' : 'swap'}): ${out.kills} kills so far, ${violations.length} violations`);
  }
  if (!out.violations) fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

async function checkAfterRound(run: (args: string[]) => Promise<Exit>, r: { round: number; stateDir: string; audit: string; auditFrom: number; startGroups: string[] }): Promise<string[]> {
  const got = await run(['get', 'fleets', '-o', 'json']);
  const described = await run(['sim', 'call', 'AutoScaling', 'DescribeAutoScalingGroups', '{}']);
  const status = (JSON.parse(got.stdout).items ?? []).find((i: { name: string }) => i.name === FLEET) ?? {};
  const sim = SimAccount.load(path.join(r.stateDir, 'sim', 'account.json'));
  return checkRound({ sim, fleet: FLEET, loadBalancer: FLEET, desired: 2, startGroups: r.startGroups, audit: readAudit(r.audit, r.auditFrom), status, described: JSON.parse(described.stdout) });
}

function noteStop(out: ProcessKillResult, signal: Signal, exit: Exit, fail: (why: string) => void): void {
  if (signal === 'SIGKILL') return;
  if (exit.signal === signal) {
    out.earlyStops++;
    return;
  }
  const line = lastLine(exit.stderr);
  if (exit.code === EXPECTED_CODE[signal] && /^drover: stopped on SIG\w+: .*resume with '/.test(line)) out.cleanStops++;
  else fail(`${signal} ended the process with ${exit.code ?? exit.signal} and last line "${line}"`);
}

function runDrover(root: string, args: string[], audit: string, killAfter?: { signal: Signal; ms: number }): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, DROVER_SIM_AUDIT: audit, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(root, 'bin/drover.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = killAfter ? setTimeout(() => child.kill(killAfter.signal), killAfter.ms) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ wallMs: Date.now() - started, code, signal, stdout, stderr });
    });
  });
}

function writeManifest(root: string, dir: string, name: string, ami: string): string {
  const text = fs
    .readFileSync(path.join(root, 'manifests/examples/magento-marketplace.yaml'), 'utf8')
    .replace(/^(\s+)ami: ami-0a1b2c3d4e5f60001/m, `$1ami: ${ami}`)
    .replace(/soak: 5m/, 'soak: 1m')
    .replace(/keepPrevious: 1h/, 'keepPrevious: 5m');
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A fixed range when given; else anywhere in the first 90 % of a typical run, start-up included. */
const delay = (rand: () => number, o: ProcessKillOptions, typicalMs: number) =>
  o.minDelayMs !== undefined && o.maxDelayMs !== undefined ? Math.round(o.minDelayMs + rand() * (o.maxDelayMs - o.minDelayMs)) : Math.round(rand() * 0.9 * typicalMs);
const hex = (rand: () => number, n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';
