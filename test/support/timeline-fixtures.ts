/**
 * Deployments whose timelines tell a whole story, for the timeline picture tests and the pictures
 * in docs/: a blue/green swap with booting green, draining blue and an hour of keepPrevious; a swap
 * rolled back because green never got healthy; a canary that its analysis stopped at 50 %.
 */
import type { DeploymentStatus, FleetEvent, TimelinePoint } from '../../src/model/fleet-status';
import { AMI, degradedFleet, readyFleet } from './status-fixtures';

type Sample = [offsetSeconds: number, blue: number, green: number, phase: string, booting?: number, draining?: number];

function samples(startedAt: string, desired: number, list: Sample[]): TimelinePoint[] {
  const t0 = Date.parse(startedAt);
  return list.map(([t, blueInService, greenInService, phase, greenBooting, blueDraining]) => ({
    at: new Date(t0 + t * 1000).toISOString(), blueInService, greenInService, desired, phase,
    ...(greenBooting ? { greenBooting } : {}), ...(blueDraining ? { blueDraining } : {}),
  }));
}

function at(d: DeploymentStatus, seconds: number): string {
  return new Date(Date.parse(d.startedAt) + seconds * 1000).toISOString();
}

export function blueGreenSwap(): DeploymentStatus {
  const d = structuredClone(readyFleet.deployment!);
  d.finishedAt = at(d, 560 + 3600);
  d.timeline = samples(d.startedAt, 4, [
    [0, 4, 0, 'createGreenGroup'], [20, 4, 0, 'attachGreen'], [30, 4, 0, 'waitGreenHealthy', 4], [150, 4, 2, 'waitGreenHealthy', 2],
    [210, 4, 4, 'waitGreenHealthy'], [220, 0, 4, 'drainBlue', 0, 4], [280, 0, 4, 'soak', 0, 4], [520, 0, 4, 'scaleBlueToZero', 0, 4],
    [545, 0, 4, 'scaleBlueToZero'], [560, 0, 4, 'keepPrevious'],
  ]);
  return d;
}

export function rolledBackSwap(): DeploymentStatus {
  const d = structuredClone(degradedFleet.deployment!);
  d.timeline = samples(d.startedAt, 4, [
    [0, 4, 0, 'createGreenGroup'], [20, 4, 0, 'waitGreenHealthy', 4], [200, 4, 2, 'waitGreenHealthy', 2], [630, 4, 2, 'restoreBlue', 2],
    [650, 4, 0, 'deleteGreen', 0], [700, 4, 0, 'deleteGreen'], [720, 4, 0, 'rolledBack'],
  ]);
  return d;
}

/**
 * A canary aborted by analysis, as the fleet records it: samples carrying the weight, and the
 * fleet's events (phase events, analysis verdicts, the final CanaryRolledBack) in its window.
 */
export function abortedCanary(): { deployment: DeploymentStatus; events: FleetEvent[] } {
  const startedAt = '2026-01-03T10:00:00.000Z';
  const fleet = 'magento-alb';
  const timeline = samples(startedAt, 4, [
    [0, 4, 0, 'createGreenGroup'], [20, 4, 0, 'attachGreen'], [30, 4, 0, 'waitGreen', 1], [110, 4, 1, 'pause'], [120, 4, 1, 'pause'],
    [720, 4, 1, 'waitGreen', 1], [800, 4, 2, 'reanalyze'], [810, 4, 2, 'reanalyze'], [900, 4, 2, 'deleteGreen'],
    [960, 4, 0, 'deleteGreen'],
  ]);
  const weights = [0, 0, 0, 10, 10, 10, 50, 50, 0, 0];
  timeline.forEach((p, i) => (p.weight = weights[i]));
  const deployment: DeploymentStatus = {
    id: 'magento-alb-canary-7', kind: 'canary', fleet, generation: 7, fromAmi: AMI.r2, toAmi: AMI.r3,
    phase: 'aborted', result: 'RolledBack', reason: 'AnalysisFailed', startedAt, finishedAt: new Date(Date.parse(startedAt) + 1000_000).toISOString(),
    timeline,
  };
  const event = (seconds: number, reason: string, message: string, type: FleetEvent['type'] = 'Normal'): FleetEvent =>
    ({ at: new Date(Date.parse(startedAt) + seconds * 1000).toISOString(), type, reason, message, fleet });
  const events: FleetEvent[] = [
    event(-600, 'AnalysisFailed', 'check 5xx-rate: an earlier deployment (canary step 1 of 5, weight 10 %)', 'Warning'),
    event(0, 'CanaryStarted', `canary ${deployment.id} started (to ${AMI.r3})`),
    event(100, 'SetWeight', `canary ${deployment.id}: canary step 1 of 5, weight 0 %`),
    event(105, 'AnalysisPassed', '5xx-count: green 0 ≤ max 50; 5xx-rate: green 0 ≤ max 1 (canary step 1 of 5, weight 10 %)'),
    event(108, 'Pause', `canary ${deployment.id}: canary step 2 of 5 (pause 600s, 600s left), weight 10 %`),
    event(790, 'SetWeight', `canary ${deployment.id}: canary step 3 of 5, weight 10 %`),
    event(800, 'AnalysisInconclusive', 'check 5xx-rate: green 31 > max 1 (1 failure of 1 allowed) (canary step 3 of 5, weight 50 %)'),
    event(880, 'AnalysisFailed', 'check 5xx-rate: green 31 > max 1 (2 failures > limit 1); check 5xx-count: green 300 > max 50 (2 failures > limit 1) (canary step 3 of 5, weight 50 %)', 'Warning'),
    event(880, 'RestoreTraffic', `canary ${deployment.id}: aborting at canary step 3 of 5, weight 50 %`),
    event(1000, 'CanaryRolledBack', `canary ${deployment.id}: RolledBack (analysis failed)`, 'Warning'),
    event(1000, 'AnalysisPassed', 'another fleet (canary step 1 of 2, weight 50 %)'),
  ];
  events[events.length - 1].fleet = 'other-fleet';
  return { deployment, events };
}
