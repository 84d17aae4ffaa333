/**
 * `intake`: throughput of the SQS intake over the simulated queue (10,000 mixed messages
 * through the real SqsPoller, parser, router and bake register), and the latency, in virtual
 * time, from an event on the queue to the first AWS call it causes in the running daemon.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadManifestFile } from '../manifest';
import { nullLogger } from '../log/logger';
import { benchIntakeLatency, type LatencyFigures } from './intake-latency';
import { intakeFleets } from './intake-messages';
import { benchIntakeThroughput, type IntakeThroughput } from './intake-throughput';

export interface IntakeBenchResult {
  throughput: IntakeThroughput;
  /** The same run under the daemon's real rate limiter (the daemon's own path). */
  throughputLimited: IntakeThroughput;
  latency: LatencyFigures;
}

export const INTAKE_MESSAGES = 10_000;
export const INTAKE_FLEETS = 10;

export async function benchIntake(root: string, messages = INTAKE_MESSAGES): Promise<IntakeBenchResult> {
  const file = path.join(root, 'manifests/examples/magento-marketplace.yaml');
  const progress = (l: string) => process.stdout.write(`    ${l}\n`);
  const fleets = intakeFleets(loadManifestFile(file)[0], INTAKE_FLEETS);
  const throughput = await benchIntakeThroughput(fleets, messages, progress);
  const throughputLimited = await benchIntakeThroughput(fleets, messages, progress, true);
  const latency = await benchIntakeLatency(fs.readFileSync(file, 'utf8'), nullLogger, progress);
  return { throughput, throughputLimited, latency };
}

export function summarizeIntake(r: IntakeBenchResult): string {
  const t = r.throughput;
  const k = r.throughputLimited;
  const l = r.latency.summary;
  return [
    `  ${t.messages} messages, ${t.fleets} fleets: ${t.poll.messagesPerSecond} msg/s real through the queue (${t.poll.wallMs} ms, ${t.poll.cpuMs} CPU ms, ${t.poll.simCpuMs} of them in the sim); parse+route alone ${t.parseRouteOnly.messagesPerSecond} msg/s`,
    `  per CPU-second: ${t.perCpuSecond.messages} msg (${t.perCpuSecond.messagesWithoutSim} without the sim); daemon rate limiter on: ${k.perCpuSecond.messages} msg (${k.perCpuSecond.messagesWithoutSim} without the sim) in ${k.poll.virtualSeconds} virtual s`,
    `  calls: ${t.calls.receives} receives (${t.calls.messagesPerReceive} msg each), ${t.calls.deletes} DeleteMessage, ${t.calls.deleteBatches} DeleteMessageBatch, ${t.calls.visibilityChanges} visibility changes (${t.callsPerMessage} per message); ${t.poller.commits} commits`,
    ...[t, k].map((x) => `  bake register (${x.bakeRegister.persistence}): ${x.bakeRegister.writes} writes, ${x.bakeRegister.fsyncsPer10kMessages} fsyncs per 10,000 messages, ${x.bakeRegister.finalBytes} bytes at the end`),
    `  poison: ${t.poison.sent} sent, ${t.poison.inDeadLetterQueue} in the DLQ after ${t.drain.virtualSeconds} virtual s, ${t.poison.leftInQueue} left; poller rejected ${t.poller.rejected} receives`,
    `  latency (virtual): merge -> first bake call median ${l.mergeMedianMs} ms, max ${l.mergeMaxMs} ms; alarm -> first reconcile call median ${l.alarmMedianMs} ms, max ${l.alarmMaxMs} ms`,
  ].join('\n');
}
