/**
 * Deployments whose timelines tell a whole story, for the timeline picture tests and the pictures
 * in docs/: a blue/green swap with booting green, draining blue and an hour of keepPrevious; a swap
 * rolled back because green never got healthy; a canary that its analysis stopped at 50 %.
 */
import type { DeploymentStatus, TimelinePoint } from '../../src/model/fleet-status';
import type { TimelineMarker } from '../../src/status/timeline-markers';
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

export function abortedCanary(): { deployment: DeploymentStatus; markers: TimelineMarker[] } {
  const startedAt = '2026-01-03T10:00:00.000Z';
  const deployment: DeploymentStatus = {
    id: 'magento-alb-canary-7', kind: 'canary', fleet: 'magento-alb', generation: 7, fromAmi: AMI.r2, toAmi: AMI.r3,
    phase: 'aborted', result: 'RolledBack', reason: 'AnalysisFailed', startedAt, finishedAt: new Date(Date.parse(startedAt) + 1000_000).toISOString(),
    timeline: samples(startedAt, 4, [
      [0, 4, 0, 'createGreenGroup'], [20, 4, 0, 'attachGreen'], [30, 4, 0, 'scaleGreen', 1], [110, 4, 1, 'setWeight'], [120, 4, 1, 'pause'],
      [720, 4, 1, 'analyze'], [730, 4, 1, 'scaleGreen', 1], [800, 4, 2, 'setWeight'], [810, 4, 2, 'analyze'], [900, 4, 2, 'restoreTraffic'],
      [920, 4, 2, 'deleteGreen'], [960, 4, 0, 'deleteGreen'], [1000, 4, 0, 'aborted'],
    ]),
  };
  const ms = (s: number) => Date.parse(startedAt) + s * 1000;
  const markers: TimelineMarker[] = [
    { atMs: ms(110), kind: 'setWeight', label: 'weight 10%' },
    { atMs: ms(720), kind: 'analysis', label: 'step 2', verdict: 'pass' },
    { atMs: ms(800), kind: 'setWeight', label: 'weight 50%' },
    { atMs: ms(895), kind: 'analysis', label: '5xx rate 31% > 2×blue+0.5%', verdict: 'fail' },
  ];
  return { deployment, markers };
}
