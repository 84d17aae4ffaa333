/**
 * The daemon in-process over the simulated account (createSimEnv): manifests in a temp dir,
 * a temp state dir, HTTP on an ephemeral loopback port, and a driver that moves virtual time
 * in small steps while letting the daemon's promises run. No processes, no real sleeps.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsPort } from '../src/aws/clients';
import { sqsEventQueue } from '../src/providers/events/queue';
import { createSimPlugin } from '../src/sim';
import { flush } from './support/deploy/drive';
import type { FleetReconciler } from '../src/controllers/fleet/reconciler';
import { fleetReconciler } from '../src/main/fleet-reconciler';
import type { Reconciler } from '../src/controllers/queue/loop';
import { createDaemon, type DaemonOptions, type ReconcilerContext } from '../src/main/daemon';
import { createSimEnv } from '../src/main/sim-env';
import { createMemoryLogger } from '../src/log/logger';
import { seededRandom } from '../src/util/backoff';

export const QUEUE = 'drover-events';
export const REPO = 'git@gitlab.example.com:shop/magento.git';

export function fleetYaml(o: { name?: string; ami?: string; queue?: string; min?: number; max?: number; extra?: string } = {}): string {
  return `apiVersion: drover.dev/v1alpha1
kind: Fleet
metadata:
  name: ${o.name ?? 'shop'}
spec:
  region: eu-west-1
  network:
    subnets: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
    securityGroups: [sg-0a1b2c3d4e5f60001]
  image:
    ami: ${o.ami ?? 'ami-0a1b2c3d4e5f60001'}
    bake:
      baseAmi: ami-0a1b2c3d4e5f60001
      repository: ${REPO}
      branch: master
      buildScript: make
      builderInstanceType: c5.large
      timeout: 30m
  instances:
    type: t3.small
  capacity: {min: ${o.min ?? 1}, max: ${o.max ?? 3}, desired: ${o.min ?? 1}}
  loadBalancer:
    name: ${o.name ?? 'shop'}-elb
    listeners:
      - {protocol: HTTP, port: 80, instanceProtocol: HTTP, instancePort: 80}
    healthCheck: {target: 'HTTP:80/', interval: 10s, timeout: 5s, healthyThreshold: 2, unhealthyThreshold: 2}
    connectionDraining: 30s
    healthCheckGracePeriod: 60s
  scaling:
    scaleOut: {metric: CPUUtilization, threshold: 70, periods: 2, period: 60s, adjustment: 1, cooldown: 60s}
    scaleIn: {metric: CPUUtilization, threshold: 20, periods: 3, period: 60s, adjustment: -1, cooldown: 60s}
${o.extra ?? ''}  events:
    queue: ${o.queue ?? QUEUE}
`;
}

/** A Reconciler that records every call and delegates passes to the converge-only FleetReconciler. */
export interface RecordingReconciler extends Reconciler {
  inner: FleetReconciler;
  bakes: Array<{ fleet: string; sha: string; at: string; messageId?: string }>;
  alarms: Array<{ fleet: string; name: string; state: string }>;
  reconciles: string[];
  closed: boolean;
  ctx: ReconcilerContext;
}

export function recordingFactory(onBake?: (r: RecordingReconciler, sha: string) => void) {
  let made: RecordingReconciler | undefined;
  const factory = (ctx: ReconcilerContext): Reconciler => {
    const inner = fleetReconciler(ctx, { deployments: false });
    const r: RecordingReconciler = {
      inner,
      ctx,
      bakes: [],
      alarms: [],
      reconciles: [],
      closed: false,
      reconcile: async (fleet) => {
        r.reconciles.push(fleet.name);
        return inner.reconcile(fleet);
      },
      requestBake: async (fleet, commit) => {
        r.bakes.push({ fleet: fleet.name, ...commit });
        onBake?.(r, commit.sha);
      },
      alarmChanged: async (fleet, alarm) => void r.alarms.push({ fleet: fleet.name, name: alarm.name, state: alarm.state }),
      close: async () => void (r.closed = true),
    };
    made = r;
    return r;
  };
  return { factory, get: () => made! };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `drover-${prefix}-`));
}

export function createDaemonEnv(o: { manifests?: Record<string, string>; options?: Partial<DaemonOptions> } = {}) {
  const logger = createMemoryLogger();
  const env = createSimEnv({ logger });
  const dir = tempDir('manifests');
  const stateDir = tempDir('state');
  for (const [file, text] of Object.entries(o.manifests ?? { 'shop.yaml': fleetYaml() })) fs.writeFileSync(path.join(dir, file), text);
  const gitCalls: string[][] = [];
  const daemon = createDaemon({
    dir,
    stateDir,
    clients: env.clients,
    clock: env.clock,
    sleep: env.sleep,
    logger,
    listen: '127.0.0.1:0',
    sim: env.sim,
    random: seededRandom(7),
    manifestPollMs: false,
    git: async (args) => {
      gitCalls.push(args);
      if (args.includes('get-url')) throw new Error('not a git checkout');
      return { stdout: 'Already up to date.\n', stderr: '' };
    },
    ...o.options,
  });
  // The test's own clients: not under the daemon's AWS rate budget (which waits on virtual time).
  const testClients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(env.sim) });
  const queue = sqsEventQueue(testClients.sqs);

  /** Advance virtual time by up to `ms` in steps of at most `stepMs`, letting promises run; stop early when `until` holds. */
  const drive = async (ms: number, until?: () => boolean, stepMs = 1_000): Promise<boolean> => {
    const end = env.clock.nowMs() + ms;
    for (;;) {
      await flush();
      if (until?.()) return true;
      if (env.clock.nowMs() >= end) return false;
      const next = env.clock.nextTimerAt() ?? Infinity;
      env.clock.set(Math.min(end, env.clock.nowMs() + stepMs, Math.max(next, env.clock.nowMs())));
    }
  };

  const send = async (body: string, attributes: Record<string, string> = {}) => queue.send(await queue.resolveUrl(QUEUE), body, attributes);
  /** Wait for `p` while virtual time keeps moving (the daemon's side may wait on the clock). */
  const during = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    const settled = p.finally(() => (done = true));
    await drive(600_000, () => done, 100);
    return settled;
  };
  const get = (p: string, init?: RequestInit) =>
    during(
      (async () => {
        const res = await fetch(`${daemon.http!.url}${p}`, init);
        return { status: res.status, text: await res.text() };
      })(),
    );
  /** daemon.stop() while virtual time keeps moving (in-flight work may wait on the clock). */
  const stop = async () => {
    await during(daemon.stop());
  };
  const cleanup = () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  };
  return { ...env, logger, daemon, dir, stateDir, testClients, drive, during, send, get, gitCalls, stop, cleanup };
}

export type DaemonEnv = ReturnType<typeof createDaemonEnv>;
