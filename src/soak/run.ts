/**
 * `npm run soak -- [--hours 24] [--seed 1] [--fleets 5] [--quiet-hours 2]`: the chaos soak.
 * Prints a progress line per virtual hour and the summary, writes bench/results/soak.json,
 * and exits 1 on the first violated invariant (the seed and step are in the output).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { formatReplicaSummary, runReplicaSoak } from './replicas';
import { runSoak } from './soak';
import { formatSummary } from './summary';

function positive(name: string, integer: boolean) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${name} must be a positive ${integer ? 'integer' : 'number'}`);
    return n;
  };
}

export async function main(argv: string[]): Promise<number> {
  const cmd = new Command('soak')
    .description('chaos soak: the daemon on the simulated account under random faults, merges, load waves and kill -9')
    .option('--hours <n>', 'virtual hours to run', positive('--hours', false), 24)
    .option('--seed <n>', 'seed of every random choice (reproducible)', positive('--seed', true), 1)
    .option('--fleets <n>', 'fleets (1-5)', positive('--fleets', true), 5)
    .option('--quiet-hours <n>', 'hours at the end with every fault off (default 2; half the run below 6 hours)', positive('--quiet-hours', false))
    .option('--out <file>', 'where the figures go', 'bench/results/soak.json')
    .option('--log <file>', "write the daemons' log (JSON lines, virtual timestamps) to this file")
    .option('--replicas <n>', 'multi-replica mode: N daemon processes on one DynamoDB table (dynalite), killed and added at random (default 1 virtual hour, 10 fleets)', positive('--replicas', true));
  cmd.parse(argv);
  const o = cmd.opts<{ hours: number; seed: number; fleets: number; quietHours?: number; out: string; log?: string; replicas?: number }>();
  if (o.replicas !== undefined) return replicas(o, cmd.getOptionValueSource('hours') === 'default' ? 1 : o.hours, cmd.getOptionValueSource('fleets') === 'default' ? 10 : o.fleets);
  process.stdout.write(`soak: ${o.hours} virtual hours, ${o.fleets} fleets, seed ${o.seed}\n`);
  let hour = 0;
  const summary = await runSoak({
    hours: o.hours,
    seed: o.seed,
    fleets: o.fleets,
    ...(o.quietHours ? { quietHours: o.quietHours } : {}),
    ...(o.log ? { logFile: o.log } : {}),
    onStep: (p) => {
      const h = Math.floor(p.virtualMs / 3_600_000);
      if (h > hour) {
        hour = h;
        process.stdout.write(`  ${String(h).padStart(2)}h  step ${p.step}, ${p.deployments} deployments finished, ${p.kills} kills\n`);
      }
    },
  });
  process.stdout.write(`${formatSummary(summary)}\n`);
  const out = path.resolve(path.join(__dirname, '../..'), o.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const doc = { suite: 'soak', at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, wallSeconds: summary.realSeconds, result: summary };
  fs.writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(`  -> ${path.relative(process.cwd(), out)}\n`);
  return summary.result === 'passed' ? 0 : 1;
}

async function replicas(o: { seed: number; out: string; replicas?: number }, hours: number, fleets: number): Promise<number> {
  process.stdout.write(`soak: ${o.replicas} replicas, ${hours} virtual hours, ${fleets} fleets, seed ${o.seed}\n`);
  const root = path.join(__dirname, '../..');
  const summary = await runReplicaSoak({ root, replicas: o.replicas!, hours, seed: o.seed, fleets, onLine: (l) => process.stdout.write(`${l}\n`) });
  process.stdout.write(`${formatReplicaSummary(summary)}\n`);
  const out = path.resolve(root, o.out === 'bench/results/soak.json' ? 'bench/results/soak-replicas.json' : o.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ suite: 'soak-replicas', at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, wallSeconds: summary.realSeconds, result: summary }, null, 2) + '\n');
  process.stdout.write(`  -> ${path.relative(process.cwd(), out)}\n`);
  return summary.result === 'passed' ? 0 : 1;
}

if (require.main === module) {
  // Only virtual time runs here: an empty event loop means everything waits on something that never comes.
  const stalled = () => {
    process.stderr.write('soak stalled: the soak and the daemon wait on something that never comes (a bug in the soak or in drover)\n');
    process.exit(2);
  };
  process.once('beforeExit', stalled);
  main(process.argv).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`soak failed to run: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(2);
    },
  );
}
