/**
 * The daemon's composition root: manifests → controller loop (work queue, workers, resync) →
 * a Reconciler; the SQS intake → intake actions (bake register, git pull, lifecycle
 * hooks, alarms); the HTTP server (health, readiness, metrics, status API, GitLab relay).
 *
 * The deployment layer plugs in through `reconcilerFactory`: it gets a ReconcilerContext
 * (clients, clock, status store, metrics, `bakeFinished`, `enqueue`) and returns a
 * Reconciler (main/fleet-reconciler.ts builds drover's); without one the daemon runs the
 * FleetReconciler with `deployments: false` (converge only).
 */
import type { AwsPort } from '../aws/port';
import { sqsEventQueue } from '../providers/events/queue';
import { lifecycleActionsPort } from '../providers/autoscaling/lifecycle-actions';
import { OwnershipCache, resyncObservations } from '../providers/observe';
import { limitAwsCalls } from '../aws/rate-limit';
import { fleetReconciler, type ReconcilerContext, type ReconcilerFactory } from './fleet-reconciler';
import { AwsRateBudgets } from '../aws/rate-budgets';
import type { RateTableOverrides } from '../aws/rate-table';
import { BakeRegisterStore, bakeRegisterFile } from '../controllers/intake/bake-register-store';
import { RecordRegisterPersistence } from '../controllers/intake/bake-register-records';
import { localBakeQueues, SharedBakeQueues } from '../controllers/intake/bake-queues';
import { startHttpServer, type Readiness, type RunningHttpServer } from '../server/http-server';
import { IntakeActions, recordFleetEvent } from '../controllers/intake/actions';
import { groupMembershipLookup, instanceOwnerLookup } from '../providers/autoscaling/instance-owner';
import { LifecycleHookHandler } from '../controllers/fleet/lifecycle-hooks';
import { ControllerLoop, type Reconciler } from '../controllers/queue/loop';
import { ManifestSource, type GitRunner, type ManifestSnapshot } from '../controllers/intake/manifest-watch';
import { clearOrphaned, markOrphaned } from '../controllers/fleet/orphaned';
import { DaemonMetrics } from '../server/metrics';
import type { EventQueueInfo } from '../providers/events/ensure-queue';
import { SqsPoller, type SqsPollerOptions } from '../controllers/intake/sqs-poller';
import { createWebhookRelay } from '../controllers/intake/webhook-relay';
import { EVENTS } from '../log/events';
import type { Logger } from '../log/logger';
import { FileStatusStore, type StatusStore } from '../status/status-store';
import type { Clock } from '../util/clock';
import { withPriority } from '../util/priority';
import { watchInbox } from '../controllers/fleet/controls';
import { assertWritableStateDir } from './state-dir';
import { ensureQueueRetrying, resolveEventQueue } from './event-queue-flag';
import { ReplicaOwnership, replicaId } from '../controllers/ownership/replica-ownership';
import type { LeaseSettings } from '../state/leases';
import { openState, type OpenedState } from '../state/open';

export type { ReconcilerContext, ReconcilerFactory } from './fleet-reconciler';
export { resolveEventQueue } from './event-queue-flag';

export const DEFAULT_LISTEN = '127.0.0.1:7390';

export interface DaemonOptions {
  dir: string;
  stateDir: string;
  clients: AwsPort;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  logger: Logger;
  /** Queue name or URL; else the fleets' spec.events.queue (which must agree). */
  queue?: string;
  /** host:port; `false` serves nothing. */
  listen?: string | false;
  resyncMs?: number;
  workers?: number;
  webhookToken?: string;
  /** The manifest repository (pushes to it reload); else `git remote get-url origin` of `dir`. */
  manifestRepo?: string;
  /** Poll the manifest files this often on the clock; `false` disables. Default 5 s. */
  manifestPollMs?: number | false;
  reconcilerFactory?: ReconcilerFactory;
  /** The simulated account: told which queue gets its EventBridge events. */
  sim?: { setEventQueue(name: string | undefined): void };
  git?: GitRunner;
  /** Default: AWS's documented limits per service and class (src/aws/rate-table.ts); `false` for none. */
  rateBudget?: AwsRateBudgets | false;
  /** Per service and class overrides of the default budgets' table (ignored with `rateBudget`). */
  rateLimits?: RateTableOverrides;
  /**
   * Observe fleets in cross-fleet batches during resync passes (issue 14). On by default: a
   * slice is at most 10 s old, an event or a manifest change for a fleet drops it, and a reconcile
   * whose plan would change anything observes the fleet again, unbatched, before acting
   * (controllers/fleet/converge.ts). `false` observes every fleet on its own.
   */
  batchObserve?: boolean;
  random?: () => number;
  /** Bound on waiting for in-flight reconciles at stop. Default 25 s. */
  graceMs?: number;
  poller?: Partial<Pick<SqsPollerOptions, 'waitTimeSeconds' | 'idleDelayMs' | 'visibilityTimeoutSeconds'>>;
  lifecyclePollMs?: number;
  /** Shared state (DynamoDB): shard leases for replica `replicaId` (default hostname-pid-random). Default: the state directory, owner of all. */
  state?: OpenedState;
  replicaId?: string;
  leaseSettings?: Partial<LeaseSettings>;
  /** Look for facts recorded for this replica's fleets this often on the clock (rollout controls in `<state-dir>/inbox/`; with shared state, the table's nudges); `false` disables. Default 2 s. */
  inboxPollMs?: number | false;
}

export class Daemon {
  readonly manifests: ManifestSource;
  readonly metrics: DaemonMetrics;
  readonly loop: ControllerLoop;
  readonly lifecycle: LifecycleHookHandler;
  /** The lone process's bake register (state directory); with shared state each fleet's record holds its queue. */
  readonly bakes: BakeRegisterStore;
  readonly intake: IntakeActions;
  readonly statusStore: StatusStore;
  /** The AWS rate budgets the clients are held under (none with `rateBudget: false`). */
  readonly rateBudgets?: AwsRateBudgets;
  reconciler!: Reconciler;
  readonly replicas: ReplicaOwnership; // the fleets this replica acts on
  private gated!: Reconciler;
  queueInfo?: EventQueueInfo;
  poller?: SqsPoller;
  http?: RunningHttpServer;
  private loaded = false;
  private stopping?: Promise<void>;
  private manifestRepo?: string;
  private readonly log: Logger;
  private readonly intakeStop = new AbortController();
  private readonly watchStop = new AbortController();
  private background: Array<Promise<void>> = [];
  /** Ownership facts and the resync's batched observations, shared by every fleet's reconcile. */
  private readonly ownership = new OwnershipCache();
  /** Writes are fenced with the epoch of the shard held (every shard at epoch 1 on a local directory). */
  private readonly fenceFor = (fleet: string) => this.replicas.leases.fenceFor(fleet);

  constructor(private readonly opts: DaemonOptions) {
    this.log = opts.logger.child({ component: 'daemon' });
    const state = opts.state ?? openState(undefined, { stateDir: opts.stateDir, clock: opts.clock, logger: opts.logger }); // one store for every component store
    this.statusStore = new FileStatusStore(state.store, { fence: this.fenceFor, warn: (m) => this.log.warn({ event: EVENTS.statusUnreadable }, m) });
    this.manifests = new ManifestSource({ dir: opts.dir, logger: opts.logger, clock: opts.clock, git: opts.git });
    this.rateBudgets = opts.rateBudget === false ? undefined : (opts.rateBudget ?? new AwsRateBudgets(opts.clock, { limits: opts.rateLimits }));
    this.metrics = new DaemonMetrics({ calls: opts.clients.calls, queue: () => this.loop.queue, poller: () => this.poller?.stats, rates: () => this.rateBudgets });
    this.replicas = new ReplicaOwnership({ state, id: opts.replicaId ?? replicaId(), clock: opts.clock, logger: opts.logger, ...(opts.leaseSettings ? { settings: opts.leaseSettings } : {}), fleets: () => this.loop.fleetList().map((f) => f.name), enqueue: (f) => this.loop.enqueue(f), ...(state.shared ? { changed: (f: string[]) => this.intake.forget(f), besidePass: (f: string) => this.intake.pickUp(f), manifestsPushed: () => this.pullManifests() } : {}) });
    this.loop = new ControllerLoop({ reconciler: { reconcile: (f, s) => this.gated.reconcile(f, s) }, clock: opts.clock, logger: opts.logger, workers: opts.workers, resyncMs: opts.resyncMs, random: opts.random, observer: this.metrics });
    const port = lifecycleActionsPort(opts.clients, { logger: opts.logger, sleep: opts.sleep });
    this.lifecycle = new LifecycleHookHandler({ port, clock: opts.clock, logger: opts.logger, pollMs: opts.lifecyclePollMs, ...(state.shared ? { claims: { store: state.store, holder: this.replicas.id } } : {}) });
    this.bakes = new BakeRegisterStore(bakeRegisterFile(opts.stateDir), opts.logger, { groupCommit: true, persistence: new RecordRegisterPersistence(state.store, { nowMs: () => opts.clock.nowMs(), fence: this.fenceFor }) });
    // Any replica may record an intake decision on any fleet's status (a fact, unfenced).
    const decisions = state.shared ? new FileStatusStore(state.store, { fence: () => 'intake' }) : this.statusStore;
    this.intake = new IntakeActions({
      fleets: () => this.loop.fleetList(), manifestRepo: () => this.manifestRepo,
      reconciler: () => this.reconciler,
      enqueue: (f) => this.loop.enqueue(f),
      bakes: state.shared ? new SharedBakeQueues(state.store, { nowMs: () => opts.clock.nowMs(), fence: this.fenceFor }) : localBakeQueues(this.bakes),
      lifecycle: this.lifecycle,
      ...(state.shared ? { owns: (f: string) => this.replicas.holdsFleet(f), nudge: (f: string) => state.store.nudge?.([f]) ?? Promise.resolve(), announceManifests: (r: string) => state.store.announceManifests?.(r) ?? Promise.resolve() } : {}),
      reloadManifests: () => this.pullManifests(),
      countMessage: (kind, outcome) => this.metrics.message(kind, outcome),
      account: () => this.queueInfo?.arn.split(':')[4] || undefined,
      instanceOwner: instanceOwnerLookup(opts.clients, { logger: opts.logger, sleep: opts.sleep }),
      groupMembership: groupMembershipLookup(opts.clients, { logger: opts.logger, sleep: opts.sleep }),
      recordEvent: (fleet, event) => recordFleetEvent(decisions, fleet, event, opts.clock.now(), this.log),
      logger: opts.logger,
    });
  }

  async start(): Promise<void> {
    const o = this.opts;
    this.log.info({ event: EVENTS.daemonStarting, dir: o.dir, stateDir: o.stateDir }, `starting: manifests in ${o.dir}`);
    if (!this.replicas.shared) assertWritableStateDir(o.stateDir); // a shared table needs no directory lock
    if (!this.replicas.shared) await this.bakes.reload(); // the layout may have just moved into the state store
    if (this.rateBudgets) limitAwsCalls(o.clients, this.rateBudgets);
    this.applyManifests(this.manifests.reload());
    this.loaded = true;
    this.manifestRepo = o.manifestRepo ?? (await this.manifests.originUrl());
    const queue = resolveEventQueue(o.queue, this.loop.fleetList());
    this.reconciler = (o.reconcilerFactory ?? defaultFactory)(this.reconcilerContext(!!queue));
    this.gated = this.replicas.wrap(this.reconciler);
    this.replicas.start();
    if (queue) await this.startIntake(queue);
    else this.log.warn({ event: EVENTS.daemonStarting }, 'no event queue (--queue or spec.events.queue): reacting to resyncs only');
    await this.intake.resumeBakes();
    if (o.listen !== false) await this.startHttp(o.listen ?? DEFAULT_LISTEN);
    this.loop.onResync = () => this.sweepLifecycle();
    const batches = o.batchObserve === false ? undefined : resyncObservations(o.clients, { logger: o.logger, sleep: o.sleep, random: o.random, nowMs: () => o.clock.nowMs(), knownTags: (k) => this.ownership.tags.has(k) });
    if (batches) {
      this.ownership.observations = batches;
      this.loop.beforeResync = (fleets) => batches.startPass(fleets);
      this.loop.onEnqueue = (fleet) => batches.invalidate(fleet);
      this.loop.leaveSteadyToResync = true;
      batches.startPass(this.loop.fleetList()); // start-up reconciles every fleet: a pass too
    }
    this.loop.start();
    this.sweepLifecycle();
    if (o.manifestPollMs !== false) this.background.push(this.manifests.watch(o.manifestPollMs ?? 5_000, this.watchStop.signal, (s) => this.applyManifests(s)));
    // Facts for this replica's fleets: the CLI's inbox in the state directory; with shared state, the table's nudges.
    const inboxMs = o.inboxPollMs === false ? undefined : (o.inboxPollMs ?? 2_000);
    if (inboxMs !== undefined) this.background.push(this.replicas.shared ? this.replicas.watchNudges(inboxMs, this.watchStop.signal) : watchInbox(o.stateDir, o.clock, inboxMs, this.watchStop.signal, (f) => this.loop.enqueue(f)));
    this.log.info({ event: EVENTS.daemonStarted, fleets: this.loop.fleetList().map((f) => f.name), queue: this.queueInfo?.url, url: this.http?.url }, 'daemon started');
  }

  /** Stop intake, finish in-flight work (bounded), close the reconciler and the server. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    this.log.info({ event: EVENTS.daemonStopping }, 'stopping: intake first, then in-flight reconciles');
    this.intakeStop.abort();
    this.watchStop.abort();
    await Promise.all(this.background);
    await this.loop.stop(this.opts.graceMs ?? 25_000);
    await this.lifecycle.stop();
    await this.reconciler?.close?.();
    await this.replicas.stop(); // after in-flight work: the shards are given back, others take over at once
    await this.http?.close();
    this.metrics.drainCalls();
    this.log.info({ event: EVENTS.daemonStopped }, 'daemon stopped');
  }

  readiness(): Readiness {
    const reasons: string[] = [];
    if (!this.loaded) reasons.push('manifests are not loaded yet');
    const leases = this.replicas.ready();
    reasons.push(...leases.reasons);
    for (const f of this.loop.fleetList()) if (!this.loop.isObserved(f.name)) reasons.push(`fleet ${f.name} has not been observed yet`);
    return { ready: this.loaded && leases.ready && this.loop.allObserved(), reasons };
  }

  snapshot(): ManifestSnapshot {
    return this.manifests.snapshot();
  }

  /** `git pull --ff-only` the manifest checkout, then reload (never throws). */
  async pullManifests(): Promise<void> {
    this.applyManifests(await this.manifests.pull());
  }

  private applyManifests(s: ManifestSnapshot): void {
    const { added, removed } = this.loop.setFleets(s.fleets);
    const now = this.opts.clock.now();
    const writes = [...removed.map((n) => markOrphaned(this.statusStore, n, this.opts.dir, now)), ...added.map((n) => clearOrphaned(this.statusStore, n, now))];
    for (const w of writes) w.catch((err: unknown) => this.log.warn({ event: EVENTS.statusUnreadable, err: String(err) }, `writing fleet status: ${(err as Error).message}`));
  }

  private reconcilerContext(lifecycleHooks: boolean): ReconcilerContext {
    const o = this.opts;
    return {
      clients: o.clients,
      clock: o.clock,
      sleep: o.sleep,
      logger: o.logger,
      stateDir: o.stateDir,
      ...(o.state ? { state: o.state.store } : {}),
      fenceFor: this.fenceFor,
      statusStore: this.statusStore,
      ownershipCache: this.ownership,
      metrics: this.metrics,
      bakeFinished: (fleet, commit) =>
        this.intake.bakeFinished(fleet, commit).catch((err: unknown) => this.log.warn({ event: EVENTS.bakeFinished, fleet, commit, err: String(err) }, `recording the end of the bake of ${commit.slice(0, 12)}: ${(err as Error).message}; the fleet's owner records it when it resumes`)),
      enqueue: (fleet) => this.loop.enqueue(fleet),
      lifecycleHooks,
      ...(this.replicas.shared ? { replicas: { snapshots: this.replicas.snapshots(), guard: (f: string) => this.replicas.guard(f) } } : {}),
    };
  }

  private async startIntake(queue: string): Promise<void> {
    const o = this.opts;
    this.queueInfo = await ensureQueueRetrying(o.clients, queue, { logger: this.log, sleep: o.sleep, random: o.random });
    o.sim?.setEventQueue(this.queueInfo.name);
    this.poller = new SqsPoller({ clients: o.clients, queue: this.queueInfo.url, clock: o.clock, logger: o.logger, handler: this.intake.handler, commit: () => this.bakes.commit(), random: o.random, ...o.poller, ...this.replicas.sharedPoller() });
    this.background.push(this.poller.run(this.intakeStop.signal));
  }

  private async startHttp(listen: string): Promise<void> {
    const o = this.opts;
    const relay =
      o.webhookToken && this.queueInfo ? createWebhookRelay({ sender: sqsEventQueue(o.clients.sqs), queueUrl: this.queueInfo.url, token: o.webhookToken, logger: o.logger, ...this.replicas.sharedRelay() }) : undefined;
    this.http = await startHttpServer({
      listen,
      logger: o.logger,
      metrics: this.metrics,
      statusStore: this.statusStore,
      readiness: () => this.readiness(),
      manifests: () => this.snapshot(),
      relay,
      now: () => o.clock.now(),
      owner: (f) => this.replicas.ownerOf(f),
    });
  }

  /** Adopt instances waiting on drover's hooks (a restart, a lost message). Errors are logged. */
  private sweepLifecycle(): void {
    // One batched read for the fleets this replica holds (not one per fleet), spending the budgets after deployments.
    const held = this.loop.fleetList().filter((x) => this.replicas.holdsFleet(x.name));
    withPriority('resync', () => this.lifecycle.sweepAll(held)).catch((err) =>
      this.log.warn({ event: EVENTS.lifecycleActionFailed, err: String(err) }, `sweeping lifecycle actions: ${(err as Error).message}`),
    );
  }
}

function defaultFactory(ctx: ReconcilerContext): Reconciler {
  return fleetReconciler(ctx, { deployments: false });
}

export function createDaemon(opts: DaemonOptions): Daemon {
  return new Daemon(opts);
}
