import { appendEvent, derivePhase, toFleetStatusList, type FleetEvent, type FleetStatus } from './fleet-status';
import type { Condition } from './status';

const T = '2026-01-01T00:00:00.000Z';
const c = (type: string, status: Condition['status']): Condition => ({ type, status, reason: 'R', message: 'm', lastTransitionTime: T });

describe('derivePhase', () => {
  it.each<[string, Condition[], string]>([
    ['no conditions yet', [], 'Progressing'],
    ['ready', [c('Ready', 'True'), c('Progressing', 'False'), c('Degraded', 'False')], 'Ready'],
    ['deploying while serving', [c('Ready', 'True'), c('Progressing', 'True')], 'Progressing'],
    ['degraded wins over progressing', [c('Ready', 'True'), c('Progressing', 'True'), c('Degraded', 'True')], 'Degraded'],
    ['not ready and not progressing', [c('Ready', 'False'), c('Progressing', 'False')], 'Degraded'],
    ['not ready but progressing', [c('Ready', 'False'), c('Progressing', 'True')], 'Progressing'],
    ['invalid manifest is terminal', [c('ManifestValid', 'False'), c('Ready', 'True'), c('Degraded', 'True')], 'Failed'],
    ['ready unknown', [c('Ready', 'Unknown')], 'Progressing'],
  ])('%s', (_name, conditions, phase) => {
    expect(derivePhase(conditions)).toBe(phase);
  });
});

function emptyStatus(): FleetStatus {
  return {
    name: 'web',
    spec: { region: 'eu-west-1', instanceType: 't3.small', min: 1, max: 2, desired: 1, strategy: 'blueGreen', loadBalancer: 'web', subnets: [] },
    observed: { groups: [], alarms: [], instances: [] },
    ready: { inService: 0, desired: 1 }, phase: 'Progressing', conditions: [], history: [], events: [], createdAt: T, updatedAt: T,
  };
}

const event = (reason: string, at: string, message = 'm'): FleetEvent => ({ at, type: 'Normal', reason, message, fleet: 'web' });

describe('appendEvent', () => {
  it('appends newest last without touching the input', () => {
    const s0 = emptyStatus();
    const s1 = appendEvent(appendEvent(s0, event('A', T)), event('B', T));
    expect(s1.events.map((e) => e.reason)).toEqual(['A', 'B']);
    expect(s0.events).toEqual([]);
  });

  it('keeps only the newest `cap` events', () => {
    let s = emptyStatus();
    for (let i = 0; i < 7; i++) s = appendEvent(s, event(`E${i}`, T), 3);
    expect(s.events.map((e) => e.reason)).toEqual(['E4', 'E5', 'E6']);
  });

  it('folds a repeat of the newest event into a count and moves its time', () => {
    let s = appendEvent(emptyStatus(), event('Waiting', '2026-01-01T00:00:00.000Z'));
    s = appendEvent(s, event('Waiting', '2026-01-01T00:00:10.000Z'));
    s = appendEvent(s, event('Waiting', '2026-01-01T00:00:20.000Z'));
    expect(s.events).toEqual([{ ...event('Waiting', '2026-01-01T00:00:20.000Z'), count: 3 }]);
    s = appendEvent(s, event('Waiting', '2026-01-01T00:00:30.000Z', 'other'));
    expect(s.events).toHaveLength(2);
  });
});

it('toFleetStatusList wraps items in the documented envelope', () => {
  expect(toFleetStatusList([])).toEqual({ apiVersion: 'drover.dev/v1alpha1', kind: 'FleetStatus', items: [] });
});
