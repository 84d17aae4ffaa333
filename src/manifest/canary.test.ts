/** `spec.deploy.strategy: canary`: the steps map to DesiredFleet, and bad steps name FILE:LINE:COL and the field. */
import { loadManifestText } from './load';
import { minimalWith, problemsOf, textAt } from '../../test/support/manifest';

const STEPS = [{ setWeight: 10 }, { pause: '5m' }, { setWeight: 50 }, { pause: '10m' }, { setWeight: 100 }];

function canary(steps: unknown[], extra: Record<string, unknown> = {}) {
  return minimalWith((d) => (d.spec.deploy = { ...(d.spec.deploy ?? {}), strategy: 'canary', canary: { steps, ...extra } }));
}

function only(text: string): { message: string; at: string; file: string } {
  const problems = problemsOf(text, 'shop.yaml');
  expect(problems).toHaveLength(1);
  return { message: problems[0]!.message, at: textAt(text, problems[0]!), file: problems[0]!.file };
}

describe('canary manifest', () => {
  it('maps steps, pauses in seconds, and the defaults', () => {
    const [fleet] = loadManifestText(canary(STEPS), 'shop.yaml');
    expect(fleet!.deploy.strategy).toBe('canary');
    expect(fleet!.deploy.canary).toEqual({
      steps: [{ setWeight: 10 }, { pauseSeconds: 300 }, { setWeight: 50 }, { pauseSeconds: 600 }, { setWeight: 100 }],
      onAbort: 'delete',
      analysisIntervalSeconds: 60,
    });
  });

  it('implies a final setWeight 100 and keeps onAbort and the analysis interval', () => {
    const [fleet] = loadManifestText(canary([{ setWeight: 20 }, { pause: '1m' }], { onAbort: 'keep', analysisInterval: '30s' }), 'shop.yaml');
    expect(fleet!.deploy.canary).toEqual({ steps: [{ setWeight: 20 }, { pauseSeconds: 60 }, { setWeight: 100 }], onAbort: 'keep', analysisIntervalSeconds: 30 });
  });

  it.each<[string, string, string, string]>([
    ['falling weights', canary([{ setWeight: 50 }, { setWeight: 10 }]), 'spec.deploy.canary.steps[1].setWeight: (10) must be greater than the previous setWeight (50 at step 1)', '10'],
    ['a step after 100', canary([{ setWeight: 100 }, { pause: '5m' }]), 'spec.deploy.canary.steps[1]: follows setWeight 100 (step 1), which ends the canary: remove it', 'pause: 5m'],
    ['both kinds in one step', canary([{ setWeight: 10, pause: '1m' }]), 'spec.deploy.canary.steps[0]: a step is either setWeight or pause, not both', 'setWeight: 10'],
    ['weight above 100', canary([{ setWeight: 150 }]), 'spec.deploy.canary.steps[0].setWeight: must be at most 100, got 150', '150'],
    ['weight 0', canary([{ setWeight: 0 }]), 'spec.deploy.canary.steps[0].setWeight: must be at least 1, got 0', '0'],
    ['a bare-number pause', canary([{ setWeight: 10 }, { pause: 300 }]), 'spec.deploy.canary.steps[1].pause: a bare number is not a duration: add a unit, e.g. "300s"', '300'],
    ['a misspelt step', canary([{ setWieght: 10 }]), 'spec.deploy.canary.steps[0]: unknown field "setWieght" (did you mean "setWeight"?)', 'setWieght'],
    ['strategy canary without steps', minimalWith((d) => (d.spec.deploy = { strategy: 'canary' })), 'spec.deploy.strategy: strategy "canary" needs canary.steps, e.g.', 'canary'],
    ['canary steps under blueGreen', minimalWith((d) => (d.spec.deploy = { strategy: 'blueGreen', canary: { steps: STEPS } })), 'spec.deploy.canary: is only used with strategy "canary" (strategy is "blueGreen")', 'canary:'],
  ])('rejects %s', (_name, text, message, at) => {
    const p = only(text);
    expect(p.file).toBe('shop.yaml');
    expect(p.message).toContain(message);
    expect(p.at.startsWith(at)).toBe(true);
  });
});
