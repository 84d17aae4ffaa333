/**
 * The multi-replica harness (issue 13, item 5): on one machine, N real `drover daemon`
 * processes share one DynamoDB state table (dynalite, in this process) and one simulated AWS
 * account (served from this process at speed 0, as `drover sim serve` does). Every replica
 * reaches both through recording proxies of its own, and the harness watches, all through the
 * run: every lease write (lease-monitor.ts), every call and clock step of the account
 * (sim-monitor.ts), every state-table write (counted by kind), and each replica's log.
 * Virtual time moves only while every replica is idle (time-driver.ts).
 */
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDynamoClient } from '../../aws/dynamodb';
import { nullLogger } from '../../log/logger';
import { SimAccount } from '../../sim';
import { startSimServer, type SimServer } from '../../sim/server';
import { createStateTable } from '../../state/dynamo/table';
import { DEFAULT_LEASE_SETTINGS } from '../../state/leases';
import { shardOf } from '../../state/shards';
import { SystemClock, VirtualClock } from '../../util/clock';
import { closeServer, listenOn } from '../../util/listen';
import { replicaFleets, writeFleets, type ReplicaFleet } from './fleets';
import { LeaseMonitor, leaseEventOf, writeKindOf } from './lease-monitor';
import { startProxy, type Exchange, type RecordingProxy } from './proxy';
import { ReplicaProcess } from './replica-process';
import { SimMonitor } from './sim-monitor';
import { TimeDriver } from './time-driver';

export interface HarnessOptions {
  root: string;
  fleets: number;
  seed?: number;
  /** Keep the work directory (logs, state directories) after stop. */
  keep?: boolean;
  /** False: each replica on its own state directory (a one-replica smoke run of the harness). */
  shared?: boolean;
  /** The fleets bake from REPLICA_REPOSITORY (merges to it are bake requests). */
  bake?: boolean;
}

export interface StateWrite {
  atMs: number;
  kind: string;
  replica: string;
}

export class ReplicaHarness {
  readonly sim: SimAccount;
  readonly fleets: ReplicaFleet[];
  readonly leases = new LeaseMonitor(DEFAULT_LEASE_SETTINGS);
  readonly monitor: SimMonitor;
  readonly driver: TimeDriver;
  readonly writes: StateWrite[] = [];
  readonly replicas: ReplicaProcess[] = [];
  readonly dir: string;
  readonly manifestDir: string;
  readonly table = 'drover-replicas';
  /** Deployments the run started, per fleet (for the green-group count). */
  readonly deployments = new Map<string, number>();
  private readonly proxies: RecordingProxy[] = [];
  private simServer?: SimServer;
  private dynalite?: Server;
  private dynamoUrl = '';

  private constructor(readonly opts: HarnessOptions) {
    this.sim = new SimAccount({ clock: new VirtualClock(Date.UTC(2026, 11, 4, 9, 0, 0)), seed: opts.seed ?? 1 });
    this.fleets = replicaFleets(opts.fleets, { bake: opts.bake });
    this.monitor = new SimMonitor(this.sim, this.fleets);
    this.driver = new TimeDriver(this.sim, { busy: () => this.proxies.some((p) => p.inFlight() > 0) });
    const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
    this.dir = fs.mkdtempSync(path.join(base, 'drover-replicas-'));
    this.manifestDir = path.join(this.dir, 'manifests');
    writeFleets(this.manifestDir, this.fleets);
  }

  static async start(opts: HarnessOptions): Promise<ReplicaHarness> {
    const h = new ReplicaHarness(opts);
    await h.startBackends();
    h.monitor.start();
    h.driver.start();
    return h;
  }

  private async startBackends(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- dynalite ships no types
    const dynalite = require('dynalite') as (o: Record<string, number>) => Server;
    this.dynalite = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    this.dynamoUrl = await listenOn(this.dynalite, '127.0.0.1', 0);
    const client = createDynamoClient({ endpoint: this.dynamoUrl, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
    try {
      await createStateTable({ client, table: this.table, clock: new SystemClock(), logger: nullLogger, region: 'eu-west-1', endpoint: this.dynamoUrl });
    } finally {
      client.destroy();
    }
    this.simServer = await startSimServer({ account: this.sim, speed: 0 });
  }

  nowMs(): number {
    return this.sim.nowMs();
  }

  live(): ReplicaProcess[] {
    return this.replicas.filter((r) => r.alive);
  }

  /** Start one more daemon process. */
  async addReplica(args: string[] = []): Promise<ReplicaProcess> {
    const label = `r${this.replicas.length + 1}`;
    const simProxy = await this.proxy(this.simServer!.url, label, 'sim');
    const dynamoProxy = await this.proxy(this.dynamoUrl, label, 'dynamo');
    const r = new ReplicaProcess({
      root: this.opts.root,
      label,
      manifestDir: this.manifestDir,
      stateDir: path.join(this.dir, label),
      ...(this.opts.shared === false ? {} : { table: this.table }),
      simProxy,
      dynamoProxy,
      nowMs: () => this.nowMs(),
      args,
      logFile: path.join(this.dir, `${label}.log`),
    });
    this.replicas.push(r);
    return r;
  }

  /** The live replica that may act on `fleet` now (by the lease monitor), if any. */
  ownerOf(fleet: string): ReplicaProcess | undefined {
    const id = this.leases.ownerAt(shardOf(fleet, DEFAULT_LEASE_SETTINGS.shards), this.nowMs());
    return id ? this.replicas.find((r) => r.id === id) : undefined;
  }

  /** Roll `fleet` out to `ami` by editing its manifest (every replica's watch reloads it). */
  deploy(fleet: string, ami: string): void {
    const f = this.fleets.find((x) => x.name === fleet);
    if (!f) throw new Error(`no fleet ${fleet}`);
    f.ami = ami;
    writeFleets(this.manifestDir, [f]);
    this.deployments.set(fleet, (this.deployments.get(fleet) ?? 0) + 1);
  }

  /** The first `event` line for `fleet` from any replica other than `not`, at or after `sinceMs`. */
  firstEvent(events: string[], fleet: string, sinceMs: number, not?: ReplicaProcess): { replica: ReplicaProcess; atMs: number } | undefined {
    let best: { replica: ReplicaProcess; atMs: number } | undefined;
    for (const r of this.replicas) {
      if (r === not) continue;
      const line = r.lines.find((l) => l.atMs >= sinceMs && l.fleet === fleet && events.includes(l.event ?? ''));
      if (line && (!best || line.atMs < best.atMs)) best = { replica: r, atMs: line.atMs };
    }
    return best;
  }

  /** State-table writes between two virtual times, by kind. */
  writesBetween(fromMs: number, toMs: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const w of this.writes) if (w.atMs >= fromMs && w.atMs < toMs) out[w.kind] = (out[w.kind] ?? 0) + 1;
    return out;
  }

  async stop(): Promise<void> {
    this.driver.stop();
    this.monitor.stop();
    // A clean stop needs the clock to keep moving (in-flight reconciles finish on it).
    this.driver.start();
    await Promise.all(this.live().map((r) => r.stop()));
    this.driver.stop();
    await Promise.all(this.proxies.map((p) => p.close()));
    await this.simServer?.close();
    if (this.dynalite) await closeServer(this.dynalite).catch(() => undefined);
    if (!this.opts.keep) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async proxy(target: string, label: string, backend: 'sim' | 'dynamo'): Promise<RecordingProxy> {
    const p = await startProxy(target, label, backend === 'sim' ? { onRequest: (_r, url, body) => isParkedWait(url, body) } : { onExchange: (e) => this.dynamoExchange(e) });
    this.proxies.push(p);
    return p;
  }

  private dynamoExchange(e: Exchange): void {
    const target = e.headers['x-amz-target'];
    const t = Array.isArray(target) ? target[0] : target;
    const now = this.nowMs();
    const kind = writeKindOf(t, e.requestBody, e.status);
    if (kind) this.writes.push({ atMs: now, kind, replica: e.replica });
    const lease = leaseEventOf(t, e.requestBody, e.status, now, e.replica);
    if (lease) this.leases.observe(lease);
  }
}

/**
 * Requests that wait on the account's clock are idle, not in flight: a daemon's clock-follow
 * wait (drive false), and an SQS long poll (the account answers it when messages arrive or
 * when its wait time has passed in virtual time).
 */
function isParkedWait(url: string, body: string): boolean {
  try {
    if (url.endsWith('/clock/wait')) return (JSON.parse(body) as { drive?: unknown }).drive !== true;
    if (!url.endsWith('/call') || !body.includes('ReceiveMessage')) return false;
    const call = JSON.parse(body) as { operation?: string };
    return call.operation?.replace(/Command$/, '') === 'ReceiveMessage';
  } catch {
    return false;
  }
}
