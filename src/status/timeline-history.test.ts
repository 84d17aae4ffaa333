/** Timeline markers come from what the fleet recorded: the deployment's samples and the fleet's events in its window. */
import type { DeploymentStatus } from '../model/fleet-status';
import { abortedCanary, blueGreenSwap, rolledBackSwap } from '../../test/support/timeline-fixtures';
import { formatDuration } from '../util/clock';
import { recordedMarkers } from './timeline-history';
import type { TimelineMarker } from './timeline-markers';

function endOf(d: DeploymentStatus): number {
  return Math.max(Date.parse(d.finishedAt ?? d.startedAt), ...d.timeline!.map((p) => Date.parse(p.at)));
}

/** `kind@+offset label (verdict)`, sorted by time: what a reader of the picture gets. */
function described(d: DeploymentStatus, markers: TimelineMarker[]): string[] {
  const t0 = Date.parse(d.startedAt);
  return [...markers].sort((a, b) => a.atMs - b.atMs || a.kind.localeCompare(b.kind)).map((m) =>
    `${m.kind}@+${formatDuration((m.atMs - t0) / 1000)} ${m.label}${m.verdict ? ` (${m.verdict})` : ''}${m.endMs ? ` until +${formatDuration((m.endMs - t0) / 1000)}` : ''}`);
}

describe('recordedMarkers', () => {
  it('reads a canary from its samples and events: weight steps, the pause, each verdict, the rollback, at the recorded times', () => {
    const { deployment: d, events } = abortedCanary();
    expect(described(d, recordedMarkers(d, d.timeline!, endOf(d), events))).toEqual([
      'setWeight@+1m40s weight 10 %',
      'analysis@+1m45s step 1, 10 % (pass)',
      'pause@+1m48s pause 10m12s until +12m',
      'setWeight@+13m10s weight 50 %',
      'analysis@+13m20s 5xx-rate (inconclusive)',
      'analysis@+14m40s 5xx-rate, 5xx-count (fail)',
      'rollback@+14m40s rollback: AnalysisFailed',
    ]);
  });

  it('without events falls back on the samples: weight rises where sampled, the rollback when the deployment ended', () => {
    const { deployment: d } = abortedCanary();
    expect(described(d, recordedMarkers(d, d.timeline!, endOf(d)))).toEqual([
      'pause@+1m50s pause 10m10s until +12m',
      'setWeight@+1m50s weight 10 %',
      'setWeight@+13m20s weight 50 %',
      'rollback@+16m40s rollback: AnalysisFailed',
    ]);
  });

  it('draws a canary that reached weight 100 as one cut-over, not a weight step beside it', () => {
    const { deployment } = abortedCanary();
    const d: DeploymentStatus = { ...deployment, result: 'Succeeded', reason: undefined, phase: 'succeeded' };
    d.timeline = [
      ...d.timeline!.slice(0, 8),
      { ...d.timeline![7], at: new Date(Date.parse(d.startedAt) + 900_000).toISOString(), phase: 'drainBlue', weight: 100 },
    ];
    const kinds = described(d, recordedMarkers(d, d.timeline, endOf(d)));
    expect(kinds).toContain('cutover@+15m cut-over (weight 100 %)');
    expect(kinds.filter((k) => k.startsWith('setWeight'))).toEqual(['setWeight@+1m50s weight 10 %', 'setWeight@+13m20s weight 50 %']);
    expect(kinds.some((k) => k.startsWith('rollback'))).toBe(false);
  });

  it('marks a swap rollback at its first restoreBlue sample, and a good swap only at its cut-over', () => {
    const bad = rolledBackSwap();
    expect(described(bad, recordedMarkers(bad, bad.timeline!, endOf(bad)))).toEqual(['rollback@+10m30s rollback: GreenHealthTimeout']);
    const good = blueGreenSwap();
    expect(described(good, recordedMarkers(good, good.timeline!, endOf(good)))).toEqual(['cutover@+3m40s cut-over']);
  });

  it('ignores events before the deployment started and events of other fleets', () => {
    const { deployment: d, events } = abortedCanary();
    const markers = recordedMarkers(d, d.timeline!, endOf(d), events);
    expect(markers.filter((m) => m.kind === 'analysis')).toHaveLength(3);
    expect(markers.every((m) => m.atMs >= Date.parse(d.startedAt))).toBe(true);
  });
});
