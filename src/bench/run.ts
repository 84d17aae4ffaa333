/**
 * `npm run bench`: every benchmark, each writing JSON under bench/results/. Figures are
 * counts (API calls, virtual seconds) and ratios first; times are for trends only, since
 * these machines are noisy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchCliStartup, summarizeCliStartup } from './cli-startup.bench';
import { benchFleets, summarizeFleets } from './fleets-100.bench';
import { benchIntake, summarizeIntake } from './intake.bench';
import { benchObservePlan } from './observe-plan.bench';
import { benchProcessKills, type ProcessKillResult } from './process-kills';
import { benchReplicas, summarizeReplicas } from './replicas.bench';
import { benchScale, summarizeScale } from './scale.bench';
import { benchSimScale, summarizeSimScale } from './sim-scale.bench';
import { benchSwapStrategies, type SwapStrategyRow } from './swap-strategies.bench';

interface Suite {
  name: string;
  run(root: string, flags: BenchFlags): Promise<unknown>;
  summarize(result: any): string;
  /** Runs only when named (`npm run bench -- NAME`): it takes minutes of real time. */
  explicit?: boolean;
}

interface BenchFlags {
  seed?: number;
  kills?: number;
  fleets?: number;
}

const SUITES: Suite[] = [
  {
    name: 'observe-plan',
    run: (root) => benchObservePlan(root),
    summarize: (rows) =>
      rows
        .map((r: any) => `  ${String(r.instances).padStart(4)} instances: ${r.readCallsPerReconcile} reads/reconcile, ${r.mutatingCalls} mutating, ${r.cpuMsPerReconcile} CPU ms/reconcile`)
        .join('\n'),
  },
  {
    name: 'swap-strategies',
    run: (root) => benchSwapStrategies(root),
    summarize: (result) =>
      [
        '  strategy       swap s  total s  min InService  inst-h  extra inst-h  calls (read/mut)  overhead',
        ...result.rows.map(
          (r: SwapStrategyRow) =>
            `  ${r.strategy.padEnd(13)} ${String(r.swapSeconds).padStart(7)} ${String(r.totalSeconds).padStart(8)} ${`${Math.round(r.minInServiceFraction * 100)} %`.padStart(14)} ` +
            `${r.instanceHours.toFixed(2).padStart(7)} ${r.extraInstanceHours.toFixed(2).padStart(13)} ${`${r.apiCalls.total} (${r.apiCalls.read}/${r.apiCalls.mutating})`.padStart(17)} ` +
            `${`${r.overheadSeconds} s = ${(r.overheadFraction * 100).toFixed(1)} %`.padStart(16)} of ${r.criticalPathSeconds} s`,
        ),
        `  blueGreen off the poll grid: ${result.blueGreenPollPhase.map((p: any) => `boot ${p.bootSeconds} s -> ${(p.overheadFraction * 100).toFixed(1)} %`).join(', ')}`,
        ...result.badVersion.map(
          (b: any) =>
            `  bad build, ${`${b.strategy} (${b.loadBalancer})`.padEnd(23)} share served ${b.badVersionTrafficShare.toFixed(2)}, ` +
            `${b.detectionSeconds === null ? 'never stopped' : `stopped after ${b.detectionSeconds} s`}, min InService ${Math.round(b.minInServiceFraction * 100)} %, ${b.result}`,
        ),
      ].join('\n'),
  },
  {
    name: 'intake',
    run: (root) => benchIntake(root),
    summarize: summarizeIntake,
  },
  {
    name: 'fleets-100',
    run: (root) => benchFleets(root),
    summarize: summarizeFleets,
  },
  {
    name: 'cli-startup',
    run: (root) => benchCliStartup(root),
    summarize: summarizeCliStartup,
  },
  {
    name: 'sim-scale',
    explicit: true,
    run: () => benchSimScale(),
    summarize: summarizeSimScale,
  },
  {
    name: 'scale',
    explicit: true,
    run: (root, flags) => benchScale(root, flags.fleets ?? 2000, (line) => process.stdout.write(`    ${line}\n`)),
    summarize: summarizeScale,
  },
  {
    name: 'process-kills',
    explicit: true,
    run: (root, flags) =>
      benchProcessKills({ root, seed: flags.seed ?? 20261204, kills: flags.kills ?? 200, log: (line) => process.stdout.write(`${line}\n`) }),
    summarize: (r: ProcessKillResult) =>
      `  ${r.kills} kills (SIGINT ${r.bySignal.SIGINT}, SIGTERM ${r.bySignal.SIGTERM}, SIGKILL ${r.bySignal.SIGKILL}) over ${r.rounds.swap} swaps and ${r.rounds.bake} bakes, ` +
      `${r.processes} processes, ${r.cleanStops} clean stops; ${r.violations} violations (seed ${r.seed})${r.details.map((d) => `\n    ${d}`).join('')}`,
  },
  {
    name: 'replicas',
    explicit: true,
    run: (root, flags) => benchReplicas({ root, kills: flags.kills ?? 6, seed: flags.seed ?? 20261204, fleets: flags.fleets ?? 10, log: (line) => process.stdout.write(`    ${line}\n`) }),
    summarize: summarizeReplicas,
  },
];

/** `--seed N`, `--kills N`, `--fleets N`; everything else not starting with - names a suite. */
function parseArgs(args: string[]): { only: string[]; flags: BenchFlags } {
  const only: string[] = [];
  const flags: BenchFlags = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--(seed|kills|fleets)(?:=(.*))?$/.exec(args[i]);
    if (!m) {
      if (!args[i].startsWith('-')) only.push(args[i]);
      continue;
    }
    const value = Number(m[2] ?? args[++i]);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${m[1]}: "${m[2] ?? args[i]}" is not a whole number`);
    flags[m[1] as keyof BenchFlags] = value;
  }
  return { only, flags };
}

export async function main(argv: string[]): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const { only, flags } = parseArgs(argv.slice(2));
  const outDir = path.join(root, 'bench/results');
  fs.mkdirSync(outDir, { recursive: true });
  for (const suite of SUITES.filter((s) => (only.length === 0 && !s.explicit) || only.includes(s.name))) {
    process.stdout.write(`bench ${suite.name}…\n`);
    const started = Date.now();
    const result = await suite.run(root, flags);
    const doc = { suite: suite.name, at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, wallSeconds: (Date.now() - started) / 1000, result };
    fs.writeFileSync(path.join(outDir, `${suite.name}.json`), JSON.stringify(doc, null, 2) + '\n');
    process.stdout.write(`${suite.summarize(result)}\n  -> bench/results/${suite.name}.json\n`);
  }
}

if (require.main === module) {
  main(process.argv).catch((err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
