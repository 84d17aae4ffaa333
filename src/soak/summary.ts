/** The soak's figures (printed, and written to bench/results/soak.json) and how they read. */
import type { CommitKind } from './merges';

export interface SoakFailure {
  seed: number;
  step: number;
  atVirtual: string;
  invariant: string;
  detail: string;
}

export interface SoakSummary {
  result: 'passed' | 'failed';
  seed: number;
  fleets: string[];
  virtualHours: number;
  quietHours: number;
  steps: number;
  realSeconds: number;
  faults: {
    throttling: number;
    serverErrors: number;
    serverErrorBursts: number;
    eventualConsistency: number;
    insufficientCapacity: number;
    capacityShortages: number;
    instanceFailures: number;
    sqsDuplicates: number;
    sqsReordering: boolean;
    kills: number;
  };
  deployments: Record<string, number>;
  merges: Record<CommitKind, number> & { total: number; resentAfterThrottle: number };
  killsSurvived: number;
  invariantChecks: { capacity: number; step: number; final: number; total: number };
  lowestInServiceVsMin: Record<string, string>;
  /** Images drover baked that nothing uses any more (retention keeps the newest few on purpose). */
  unreferencedImages: number;
  /** Images beyond each fleet's `spec.image.retain` that nothing uses: must be 0 at the end. */
  imagesBeyondRetention: number;
  awsCalls: number;
  failure?: SoakFailure;
}

export function formatSummary(s: SoakSummary): string {
  const f = s.faults;
  const lines = [
    `soak ${s.result.toUpperCase()}: seed ${s.seed}, ${s.fleets.length} fleets (${s.fleets.join(', ')}), ${s.virtualHours} virtual hours (last ${+s.quietHours.toFixed(2)} quiet), ${s.steps} steps in ${s.realSeconds.toFixed(1)} s real time`,
    `  faults injected: throttling ${f.throttling}, 5xx ${f.serverErrors} (${f.serverErrorBursts} bursts), eventual-consistency misses ${f.eventualConsistency}, InsufficientInstanceCapacity ${f.insufficientCapacity} (${f.capacityShortages} shortages), instances failed by the account ${f.instanceFailures}, SQS duplicates ${f.sqsDuplicates}, SQS reordering ${f.sqsReordering ? 'on' : 'off'}, kill -9 ${f.kills}`,
    `  merges: ${s.merges.total} (good ${s.merges.good}, broken build ${s.merges['broken-build']}, never-healthy AMI ${s.merges['never-healthy']}; ${s.merges.resentAfterThrottle} re-sent after a throttled send)`,
    `  deployments: ${Object.entries(s.deployments).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `  kills survived: ${s.killsSurvived} of ${f.kills}`,
    `  invariant checks: ${s.invariantChecks.total} (capacity on every tick ${s.invariantChecks.capacity}, per step ${s.invariantChecks.step}, final ${s.invariantChecks.final})`,
    `  lowest InService / min: ${Object.entries(s.lowestInServiceVsMin).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  AWS calls: ${s.awsCalls}; images no longer used but kept by retention: ${s.unreferencedImages}; imagesBeyondRetention: ${s.imagesBeyondRetention}`,
  ];
  if (s.failure) {
    const x = s.failure;
    lines.push(`  FIRST VIOLATION at step ${x.step} (${x.atVirtual}), seed ${x.seed}: ${x.detail}`);
    lines.push(`  reproduce: npm run soak -- --seed ${x.seed} --hours ${s.virtualHours} --fleets ${s.fleets.length}`);
  }
  return lines.join('\n');
}
