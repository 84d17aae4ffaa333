/**
 * The daemon's Prometheus metrics, on its own registry (never prom-client's global one, so two
 * daemons in one test process do not collide). AWS calls come from the shared CallCounter's
 * lifetime counts (every call, no window): each scrape adds what was counted since the last one.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CallCounter } from '../aws/call-counter';
import type { AwsRateBudgets } from '../aws/rate-budgets';
import type { PollerStats } from '../controllers/intake/sqs-poller';
import type { WorkQueue } from '../controllers/queue/work-queue';
import type { LoopObserver, ReconcileResultLabel } from '../controllers/queue/loop';

export interface DaemonMetricsOptions {
  calls?: CallCounter;
  queue?: () => WorkQueue<string> | undefined;
  /** The poller's counts of messages that never reached a handler (rejected, ignored, duplicates). */
  poller?: () => Pick<PollerStats, 'rejected' | 'ignored' | 'duplicates'> | undefined;
  /** The AWS rate budgets: each bucket's current (adaptive) rate and the throttles AWS returned. */
  rates?: () => Pick<AwsRateBudgets, 'rates' | 'throttles'> | undefined;
}

const UNHANDLED = ['rejected', 'ignored', 'duplicates'] as const;

export class DaemonMetrics implements LoopObserver {
  readonly registry = new Registry();
  private readonly reconciles: Counter<'fleet' | 'result'>;
  private readonly duration: Histogram<'fleet'>;
  private readonly awsCalls: Counter<'service' | 'operation' | 'outcome'>;
  private readonly deployments: Counter<'phase' | 'result'>;
  private readonly messages: Counter<'kind' | 'outcome'>;
  /** Lifetime call counts already added to `awsCalls`, by service:operation:outcome. */
  private readonly callsSeen = new Map<string, number>();
  private readonly throttlesSeen = new Map<string, number>();
  private readonly pollerSeen: Record<(typeof UNHANDLED)[number], number> = { rejected: 0, ignored: 0, duplicates: 0 };

  constructor(private readonly opts: DaemonMetricsOptions = {}) {
    const registers = [this.registry];
    this.reconciles = new Counter({ name: 'drover_reconciles_total', help: 'Reconcile passes by fleet and result.', labelNames: ['fleet', 'result'], registers });
    this.duration = new Histogram({
      name: 'drover_reconcile_duration_seconds',
      help: 'Duration of one reconcile pass (on the controller clock).',
      labelNames: ['fleet'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.awsCalls = new Counter({
      name: 'drover_aws_calls_total',
      help: 'AWS API calls by service, operation and outcome (ok or the error class).',
      labelNames: ['service', 'operation', 'outcome'],
      registers,
      collect: () => this.drainCalls(),
    });
    this.deployments = new Counter({ name: 'drover_deployments_total', help: 'Deployment phase transitions by phase and result.', labelNames: ['phase', 'result'], registers });
    this.messages = new Counter({
      name: 'drover_messages_total',
      help: 'Event queue messages by kind (event kind, or "unparsed") and outcome (route action, failed, rejected, ignored, duplicates).',
      labelNames: ['kind', 'outcome'],
      registers,
      collect: () => this.drainPoller(),
    });
    const rates = () => this.opts.rates?.();
    new Gauge({
      name: 'drover_aws_rate_limit_per_second',
      help: 'Current refill rate of each AWS rate budget bucket (halved on throttles, creeping back to the documented rate).',
      labelNames: ['service', 'class'],
      registers,
      collect() {
        for (const r of rates()?.rates() ?? []) this.set({ service: r.service, class: r.class }, r.ratePerSecond);
      },
    });
    const throttles = new Counter({
      name: 'drover_aws_throttles_total',
      help: 'AWS calls throttled (Throttling, RequestLimitExceeded, ThrottlingException) by service.',
      labelNames: ['service'],
      registers,
      collect: () => {
        for (const t of rates()?.throttles() ?? []) {
          const delta = t.count - (this.throttlesSeen.get(t.service) ?? 0);
          if (delta > 0) throttles.inc({ service: t.service }, delta);
          this.throttlesSeen.set(t.service, t.count);
        }
      },
    });
    const queue = () => this.opts.queue?.();
    new Gauge({
      name: 'drover_workqueue_depth',
      help: 'Fleet keys ready to be reconciled.',
      registers,
      collect() {
        this.set(queue()?.len() ?? 0);
      },
    });
    new Gauge({
      name: 'drover_workqueue_oldest_age_seconds',
      help: 'How long the oldest waiting fleet key has waited.',
      registers,
      collect() {
        this.set((queue()?.oldestWaitMs() ?? 0) / 1000);
      },
    });
  }

  reconciled(fleet: string, result: ReconcileResultLabel, seconds: number): void {
    this.reconciles.inc({ fleet, result });
    this.duration.observe({ fleet }, seconds);
  }

  /** For the deployment layer: one call per phase transition (`result` e.g. started, succeeded, failed, rolled_back). */
  deploymentTransition(phase: string, result: string): void {
    this.deployments.inc({ phase, result });
  }

  message(kind: string, outcome: string): void {
    this.messages.inc({ kind, outcome });
  }

  /** Bring the AWS call counter up to the CallCounter's lifetime counts (every call, none windowed out). */
  drainCalls(): void {
    for (const c of this.opts.calls?.lifetimeCounts() ?? []) {
      const key = `${c.service}:${c.operation}:${c.outcome}`;
      const delta = c.count - (this.callsSeen.get(key) ?? 0);
      if (delta > 0) this.awsCalls.inc({ service: c.service, operation: c.operation, outcome: c.outcome }, delta);
      this.callsSeen.set(key, c.count);
    }
  }

  private drainPoller(): void {
    const stats = this.opts.poller?.();
    if (!stats) return;
    for (const outcome of UNHANDLED) {
      const delta = stats[outcome] - this.pollerSeen[outcome];
      if (delta > 0) this.messages.inc({ kind: 'unparsed', outcome }, delta);
      this.pollerSeen[outcome] = stats[outcome];
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
