/**
 * Event-to-first-AWS-call latency, in virtual time, with the daemon running in-process on the
 * simulated account: a merge on the queue until the bake's first call (DescribeImages for a
 * reusable image, or RunInstances), and an alarm state change until the first call of the
 * reconcile it asks for. Each sample also counts the AWS calls in between (round trips on the
 * way, which is what real latency is made of when nothing waits on the clock).
 */
import { sqsEventQueue } from '../providers/events/queue';
import { alarmEvent, mergeRequestHook } from './payloads';
import type { Logger } from '../log/logger';
import type { RecordedCall } from '../sim';
import { BENCH_QUEUE, createBenchWorld, type BenchWorld } from './bench-world';

export interface LatencySample {
  /** Virtual ms the world ran before the event was sent (moves the poller's phase). */
  offsetMs: number;
  latencyMs: number;
  /** AWS calls between the send and the first call (SQS receives included). */
  callsBefore: number;
  firstCall: string;
}

export interface LatencyFigures {
  merge: LatencySample[];
  alarm: LatencySample[];
  summary: { mergeMedianMs: number; mergeMaxMs: number; alarmMedianMs: number; alarmMaxMs: number };
}

const FLEET = 'magento-marketplace';
const REPO_PATH = 'shop/magento2-marketplace';
const MERGE_HEADERS = { 'X-Gitlab-Event': 'Merge Request Hook', 'drover-source': 'gitlab' };
/** Offsets spread over the poller's 20 s long poll and 1 s idle pause. */
export const OFFSETS_MS = [0, 7_300, 20_400, 41_800, 62_900];

export async function benchIntakeLatency(manifest: string, logger: Logger, progress: (l: string) => void): Promise<LatencyFigures> {
  const merge: LatencySample[] = [];
  for (const [i, offsetMs] of OFFSETS_MS.entries()) {
    // A bake in flight coalesces later merges: each merge sample needs a world of its own.
    const world = await convergedWorld(manifest, logger);
    const sha = (0xc0ffee + i).toString(16).padStart(40, 'c');
    const body = JSON.stringify(mergeRequestHook({ path: REPO_PATH, mergeCommit: sha, iid: 100 + i, updatedAt: '2026-11-26 09:30:00 UTC' }));
    merge.push(await sample(world, offsetMs, body, MERGE_HEADERS, isBakeCall));
    await world.stop();
  }
  progress(`merge -> first bake call: ${merge.map((s) => `${s.latencyMs} ms`).join(', ')} (virtual)`);
  const world = await convergedWorld(manifest, logger);
  const alarm: LatencySample[] = [];
  for (const offsetMs of OFFSETS_MS) {
    alarm.push(await sample(world, offsetMs, JSON.stringify(alarmEvent(`${FLEET}-cpu-high`, 'ALARM', 'OK')), {}, (c) => c.service !== 'SQS'));
    await world.drive(10 * 60_000, () => world.idle());
  }
  await world.stop();
  progress(`alarm -> first reconcile call: ${alarm.map((s) => `${s.latencyMs} ms`).join(', ')} (virtual)`);
  return { merge, alarm, summary: { mergeMedianMs: median(merge), mergeMaxMs: max(merge), alarmMedianMs: median(alarm), alarmMaxMs: max(alarm) } };
}

async function convergedWorld(manifest: string, logger: Logger): Promise<BenchWorld> {
  const world = await createBenchWorld({ manifests: { 'fleet.yaml': manifest }, logger });
  if (!(await world.drive(60 * 60_000, () => world.phase(FLEET) === 'Ready', 5_000))) throw new Error(`converging ${FLEET}: not Ready after a virtual hour`);
  // Let the alarms reach their first verdicts, so no event of the world's own is in the way.
  await world.drive(10 * 60_000);
  await world.drive(10 * 60_000, () => world.idle());
  return world;
}

function isBakeCall(c: RecordedCall): boolean {
  const input = c.input as { Owners?: string[] };
  return c.service === 'EC2' && (c.operation === 'RunInstances' || (c.operation === 'DescribeImages' && !!input.Owners));
}

async function sample(world: BenchWorld, offsetMs: number, body: string, attributes: Record<string, string>, isTarget: (c: RecordedCall) => boolean): Promise<LatencySample> {
  await world.drive(offsetMs);
  const q = sqsEventQueue(world.testClients.sqs);
  const url = await q.resolveUrl(BENCH_QUEUE);
  const from = world.sim.calls.length;
  await q.send(url, body, attributes);
  const sentAt = world.clock.nowMs();
  // The bench's own SendMessage is the first recorded call from here: skip it.
  const found = () => world.sim.calls.slice(from + 1).findIndex(isTarget);
  if (!(await world.drive(10 * 60_000, () => found() >= 0, 100))) throw new Error(`measuring event latency: no matching AWS call within 10 virtual minutes of the event`);
  const index = found();
  const call = world.sim.calls[from + 1 + index];
  return { offsetMs, latencyMs: call.atMs - sentAt, callsBefore: index, firstCall: `${call.service}:${call.operation}` };
}

function median(samples: LatencySample[]): number {
  const sorted = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function max(samples: LatencySample[]): number {
  return Math.max(...samples.map((s) => s.latencyMs));
}
