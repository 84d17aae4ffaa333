/**
 * Intake throughput: N mixed messages are sent to a simulated SQS queue (with its dead-letter
 * queue, as the daemon creates it), then the real SqsPoller receives, parses, routes and
 * deletes them; bake requests go through the persisted bake register, committed once per
 * received batch as the daemon does. Poison is left for the redrive policy. Virtual time moves
 * only when the poller waits on it. With `limiter`, the daemon's real AwsRateBudgets hold the
 * calls (limitAwsCalls with the default budget), so the figures are those of the daemon's path.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsPort } from '../aws/clients';
import { sqsEventQueue } from '../providers/events/queue';
import { limitAwsCalls } from '../aws/rate-limit';
import { BakeRegisterStore } from '../controllers/intake/bake-register-store';
import { ensureEventQueue } from '../providers/events/ensure-queue';
import { parseMessage } from '../controllers/intake/parsers/parse-message';
import { fleetRoutes, routeEvent, type RouteAction } from '../controllers/intake/route';
import { SqsPoller, type PollerStats } from '../controllers/intake/sqs-poller';
import { nullLogger } from '../log/logger';
import { createSimEnv, type SimEnv } from '../main/sim-env';
import type { ControllerEvent } from '../model/events';
import type { DesiredFleet } from '../model/fleet';
import { createSimPlugin } from '../sim';
import { AwsRateBudgets } from '../aws/rate-budgets';
import { flush } from '../util/virtual-drive';
import { intakeMix, MIX, type MixKind, type MixMessage } from './intake-messages';
import { timeSim } from './sim-cpu';

export const MANIFEST_REPO = 'git@gitlab.example.com:shop/fleet-manifests.git';
const QUEUE = 'drover-bench-events';

export interface IntakeThroughput {
  /** Whether the daemon's rate budget (AwsRateBudgets defaults) held the calls. */
  limiter: boolean;
  messages: number;
  fleets: number;
  mix: Record<MixKind, number>;
  send: { wallMs: number; messagesPerSecond: number; concurrency: number };
  /** Until every non-poison message was handled and deleted. */
  poll: { wallMs: number; cpuMs: number; simCpuMs: number; messagesPerSecond: number; virtualSeconds: number };
  /** Handled messages per CPU-second of the whole process, and of drover alone (sim CPU taken out). */
  perCpuSecond: { messages: number; messagesWithoutSim: number };
  /** Until the poison reached the dead-letter queue as well. */
  drain: { wallMs: number; virtualSeconds: number };
  calls: { receives: number; deletes: number; deleteBatches: number; visibilityChanges: number; messagesPerReceive: number; byOperation: Record<string, number> };
  poller: PollerStats;
  actions: Partial<Record<RouteAction, number>>;
  bakeOutcomes: Record<string, number>;
  /** Each write is one write + fsync + rename of the whole register. */
  bakeRegister: { writes: number; writesPer10kMessages: number; finalBytes: number };
  poison: { sent: number; inDeadLetterQueue: number; leftInQueue: number };
  /** parseMessage + routeEvent alone over the same bodies (no queue, no register): the floor. */
  parseRouteOnly: { messagesPerSecond: number; cpuMs: number };
}

export async function benchIntakeThroughput(fleets: DesiredFleet[], count: number, progress: (l: string) => void, limiter = false): Promise<IntakeThroughput> {
  const env = createSimEnv({ logger: nullLogger });
  if (limiter) limitAwsCalls(env.clients, new AwsRateBudgets(env.clock));
  const simCpu = timeSim(env.sim);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-bench-intake-'));
  try {
    const info = await ensureEventQueue(env.clients, QUEUE, { logger: nullLogger });
    const messages = intakeMix(fleets.map((f) => f.name), count);
    const send = await sendAll(env, info.url, messages);
    progress(`sent ${count} messages in ${send.wallMs} ms real`);
    const store = await new BakeRegisterStore(path.join(stateDir, 'bake-register.json'), nullLogger, { groupCommit: true }).reload();
    const handler = routingHandler(fleets, store);
    const run = await pollAll(env, info.url, messages, handler.handle, () => store.commit(), simCpu, progress);
    const calls = env.clients.calls.snapshot().byOperation;
    const receives = calls['SQS:ReceiveMessage'] ?? 0;
    const good = run.stats.handled + run.stats.ignored;
    return {
      limiter,
      messages: count,
      fleets: fleets.length,
      mix: countKinds(messages),
      send,
      ...run.figures,
      perCpuSecond: { messages: Math.round(good / (run.figures.poll.cpuMs / 1000)), messagesWithoutSim: Math.round(good / ((run.figures.poll.cpuMs - run.figures.poll.simCpuMs) / 1000)) },
      calls: { receives, deletes: calls['SQS:DeleteMessage'] ?? 0, deleteBatches: calls['SQS:DeleteMessageBatch'] ?? 0, visibilityChanges: calls['SQS:ChangeMessageVisibility'] ?? 0, messagesPerReceive: round(run.stats.received / Math.max(1, receives)), byOperation: calls },
      poller: run.stats,
      actions: handler.actions,
      bakeOutcomes: handler.outcomes,
      bakeRegister: { writes: store.writes, writesPer10kMessages: Math.round((store.writes * 10_000) / count), finalBytes: fs.statSync(path.join(stateDir, 'bake-register.json')).size },
      poison: { sent: messages.filter((m) => m.kind === 'poison').length, inDeadLetterQueue: env.sim.peekQueue(`${QUEUE}-dlq`).length, leftInQueue: env.sim.peekQueue(QUEUE).length },
      parseRouteOnly: parseRouteOnly(fleets, messages),
    };
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

/** SendMessage with the real SQS client, `concurrency` at a time (drover sends no batches). */
async function sendAll(env: SimEnv, url: string, messages: MixMessage[], concurrency = 10): Promise<IntakeThroughput['send']> {
  const q = sqsEventQueue(createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(env.sim) }).sqs);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < messages.length; i += concurrency) {
    await Promise.all(messages.slice(i, i + concurrency).map((m) => q.send(url, m.body, m.attributes)));
  }
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { wallMs: Math.round(wallMs), messagesPerSecond: Math.round(messages.length / (wallMs / 1000)), concurrency };
}

function routingHandler(fleets: DesiredFleet[], store: BakeRegisterStore) {
  const routes = fleetRoutes(fleets);
  const actions: Partial<Record<RouteAction, number>> = {};
  const outcomes: Record<string, number> = {};
  const handle = async (event: ControllerEvent, msg: { messageId: string }) => {
    const d = routeEvent(event, routes, MANIFEST_REPO);
    actions[d.action] = (actions[d.action] ?? 0) + 1;
    if (d.action !== 'bake') return;
    for (const fleet of d.fleetKeys) {
      const { outcome } = store.request(fleet, { commit: d.commit ?? '', at: event.at, messageId: msg.messageId });
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      // As the daemon does: the first commit goes in flight (and stays there: nothing bakes here).
      if (!store.inFlight(fleet)) await store.start(fleet);
    }
  };
  return { handle, actions, outcomes };
}

type Handle = (e: ControllerEvent, m: { messageId: string }) => Promise<void>;

async function pollAll(env: SimEnv, url: string, messages: MixMessage[], handle: Handle, commit: () => void, simCpu: ReturnType<typeof timeSim>, progress: (l: string) => void) {
  const poller = new SqsPoller({ clients: env.clients, queue: url, clock: env.clock, logger: nullLogger, handler: handle, commit, dedupeSize: 1000 });
  const good = messages.filter((m) => m.kind !== 'poison').length;
  const poison = messages.length - good;
  const stop = new AbortController();
  const v0 = env.clock.nowMs();
  const cpu0 = process.cpuUsage();
  const sim0 = simCpu.ms;
  const wall0 = process.hrtime.bigint();
  const running = poller.run(stop.signal);
  await drive(env, simCpu, () => poller.stats.handled + poller.stats.ignored >= good, progress, () => `${poller.stats.handled + poller.stats.ignored}/${good} handled`);
  const pollWallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const pollVirtual = (env.clock.nowMs() - v0) / 1000;
  const pollSimMs = simCpu.ms - sim0;
  await drive(env, simCpu, () => env.sim.peekQueue(`${QUEUE}-dlq`).length >= poison && env.sim.peekQueue(QUEUE).length === 0, progress, () => `${env.sim.peekQueue(`${QUEUE}-dlq`).length}/${poison} poison in the DLQ`);
  const drainWallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
  stop.abort();
  await running;
  const figures = {
    poll: { wallMs: Math.round(pollWallMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000), simCpuMs: Math.round(pollSimMs), messagesPerSecond: Math.round(good / (pollWallMs / 1000)), virtualSeconds: pollVirtual },
    drain: { wallMs: Math.round(drainWallMs), virtualSeconds: (env.clock.nowMs() - v0) / 1000 },
  };
  return { figures, stats: { ...poller.stats } };
}

/** Move virtual time only when no AWS call happened for a few turns (the poller waits on the clock). */
async function drive(env: SimEnv, simCpu: ReturnType<typeof timeSim>, until: () => boolean, progress: (l: string) => void, status: () => string): Promise<void> {
  let seen = -1;
  let lastReport = Date.now();
  for (let guard = 0; guard < 1_000_000; guard++) {
    await flush(3);
    if (until()) return;
    if (Date.now() - lastReport > 5_000) {
      progress(status());
      lastReport = Date.now();
    }
    if (env.sim.calls.length !== seen) {
      seen = env.sim.calls.length;
      continue;
    }
    const next = env.clock.nextTimerAt();
    const step = next === undefined ? 1_000 : Math.min(1_000, Math.max(1, next - env.clock.nowMs()));
    simCpu.time(() => env.sim.advance(step));
    if (env.clock.nowMs() > Date.UTC(2027, 0, 1)) break;
  }
  throw new Error(`driving the intake: gave up (${status()})`);
}

function parseRouteOnly(fleets: DesiredFleet[], messages: MixMessage[]): IntakeThroughput['parseRouteOnly'] {
  const routes = fleetRoutes(fleets);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  messages.forEach((m, i) => {
    const parsed = parseMessage(m.body, { messageId: `m-${i}`, headers: m.attributes, sentTimestampMs: Date.UTC(2026, 0, 1) });
    if (parsed.ok) routeEvent(parsed.event, routes, MANIFEST_REPO);
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { messagesPerSecond: Math.round(messages.length / (wallMs / 1000)), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
}

function countKinds(messages: MixMessage[]): Record<MixKind, number> {
  const out = Object.fromEntries(Object.keys(MIX).map((k) => [k, 0])) as Record<MixKind, number>;
  for (const m of messages) out[m.kind]++;
  return out;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
