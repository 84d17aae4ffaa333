/**
 * `fleets-100`: 100 fleets under one daemon, at 10 and at 2 instances per fleet. Each size
 * runs in a child process of its own (so its peak RSS is its own), converges, then times one
 * resync pass. The comparison says whether AWS calls grow with fleets or with instances.
 */
import { fork } from 'node:child_process';
import { runFleets, type FleetsRunResult } from './fleets-run';

export interface FleetsBenchRun extends FleetsRunResult {
  /** V8 flags of the child process, beside --expose-gc. */
  nodeFlags: string[];
}

export interface FleetsBenchResult {
  runs: FleetsBenchRun[];
  /** Calls per pass at the largest size over the smallest: ~1 means calls do not grow with instances. */
  callsPerPassRatio: number;
  /** One DescribeLoadBalancers / DescribeAutoScalingGroups per pass for all fleets, or one per fleet. */
  describesBatchedAcrossFleets: boolean;
  describesPerPass: Record<string, number>;
}

export const FLEETS = 100;
/** Smaller young and old generations: V8 collects sooner, so RSS tracks the live heap more closely. */
export const TIGHT_HEAP_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=96'];
const RUNS = [
  { instances: 10, nodeFlags: [] as string[] },
  { instances: 2, nodeFlags: [] as string[] },
  { instances: 10, nodeFlags: TIGHT_HEAP_FLAGS },
];

export async function benchFleets(root: string, fleets = FLEETS): Promise<FleetsBenchResult> {
  const runs: FleetsBenchRun[] = [];
  for (const { instances, nodeFlags } of RUNS) {
    process.stdout.write(`  ${fleets} fleets x ${instances} instances (child process${nodeFlags.length ? `, ${nodeFlags.join(' ')}` : ''})…\n`);
    runs.push({ ...(await inChild(root, fleets, instances, nodeFlags)), nodeFlags });
  }
  const [big, small] = runs;
  const describesPerPass = pick(big.pass.awsCalls.byOperation, ['AutoScaling:DescribeAutoScalingGroups', 'ElasticLoadBalancing:DescribeLoadBalancers', 'CloudWatch:DescribeAlarms', 'EC2:DescribeLaunchTemplates']);
  return {
    runs,
    callsPerPassRatio: Math.round((big.pass.awsCalls.total / Math.max(1, small.pass.awsCalls.total)) * 100) / 100,
    describesBatchedAcrossFleets: (describesPerPass['ElasticLoadBalancing:DescribeLoadBalancers'] ?? 0) < fleets,
    describesPerPass,
  };
}

function pick(all: Record<string, number>, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, all[k] ?? 0]));
}

function inChild(root: string, fleets: number, instances: number, nodeFlags: string[]): Promise<FleetsRunResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--child', root, String(fleets), String(instances)], { execArgv: ['--expose-gc', ...nodeFlags], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: FleetsRunResult | undefined;
    child.on('message', (m) => (result = m as FleetsRunResult));
    child.on('error', reject);
    child.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`running ${fleets} fleets x ${instances}: child exited with ${code}`))));
  });
}

export function summarizeFleets(r: FleetsBenchResult): string {
  const lines = r.runs.map((run) => {
    const p = run.pass;
    const m = run.memory;
    return (
      `  ${run.fleets} x ${run.instancesPerFleet}${run.nodeFlags.length ? ` (${run.nodeFlags.join(' ')})` : ''}: converged in ${run.converge.virtualSeconds} virtual s (${run.converge.wallSeconds} s real); ` +
      `pass: ${p.awsCalls.total} AWS calls (${p.callsPerFleet}/fleet), ${p.virtualMs / 1000} virtual s, ${p.wallMs} ms real, ${p.cpuMs} CPU ms (${p.simCpuMs} in the sim); ` +
      `peak RSS ${m.peakRssMb} MB (${m.metGoal ? 'under' : 'OVER'} ${m.goalMb} MB; ${m.baselineRssMb} MB before the first fleet, ${m.heapUsedMb} MB live heap at the end)`
    );
  });
  lines.push(`  calls per pass, 10 vs 2 instances: x${r.callsPerPassRatio}; describes batched across fleets: ${r.describesBatchedAcrossFleets ? 'yes' : 'no'} (${JSON.stringify(r.describesPerPass)})`);
  return lines.join('\n');
}

async function childMain(argv: string[]): Promise<void> {
  const [root, fleets, instances] = argv;
  const result = await runFleets({ root, fleets: Number(fleets), instances: Number(instances), progress: (l) => process.stdout.write(`    ${l}\n`) });
  await new Promise<void>((resolve) => process.send!(result, () => resolve()));
}

if (require.main === module && process.argv[2] === '--child') {
  childMain(process.argv.slice(3)).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`fleets bench child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
