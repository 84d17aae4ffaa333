import type { ObservedLifecycleHook } from '../model/observed';
import { convergedWorld, desiredFleet } from '../../test/support/planner/fixtures';
import { plan } from './plan';
import { planHooks, wantedHooks } from './plan-hooks';

const d = desiredFleet();
const GROUP = 'magento-marketplace-v001';
const good: ObservedLifecycleHook[] = [
  { name: 'drover-launching', transition: 'launching', heartbeatTimeoutSeconds: 300, defaultResult: 'CONTINUE' },
  { name: 'drover-terminating', transition: 'terminating', heartbeatTimeoutSeconds: 90, defaultResult: 'CONTINUE' },
];

function world(hooks: ObservedLifecycleHook[] | undefined) {
  const w = convergedWorld(d);
  w.groups[0].lifecycleHooks = hooks;
  return w;
}

describe('planHooks', () => {
  it('wants a launching hook (300 s, CONTINUE) and a terminating hook (draining + 60 s, CONTINUE)', () => {
    expect(wantedHooks(d)).toEqual(good);
    expect(wantedHooks(desiredFleet({ loadBalancer: { ...d.loadBalancer, connectionDrainingSeconds: 0 } }))[1].heartbeatTimeoutSeconds).toBe(60);
    expect(wantedHooks(desiredFleet({ loadBalancer: { ...d.loadBalancer, connectionDrainingSeconds: 3600 } }))[1].heartbeatTimeoutSeconds).toBe(3660);
  });

  it.each([
    ['hooks not observed (a one-shot apply): no opinion', undefined, []],
    ['both hooks as wanted: nothing', good, []],
    ['no hooks: put both', [], ['putLifecycleHook drover-launching', 'putLifecycleHook drover-terminating']],
    ['a drifted timeout: put it again', [good[0], { ...good[1], heartbeatTimeoutSeconds: 3600 }], ['putLifecycleHook drover-terminating']],
    ['a direct notification target: recreate without it', [{ ...good[0], notificationTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:q' }, good[1]], ['deleteLifecycleHook drover-launching', 'putLifecycleHook drover-launching']],
    ['a stale drover hook: delete it; a foreign hook: keep it', [...good, { ...good[0], name: 'drover-old' }, { ...good[0], name: 'team-hook' }], ['deleteLifecycleHook drover-old']],
  ])('%s', (_what, hooks, expected) => {
    const w = world(hooks as ObservedLifecycleHook[] | undefined);
    const steps = planHooks(d, w.groups[0]);
    expect(steps.map((s) => `${s.kind} ${String(s.params.name)}`)).toEqual(expected);
    for (const s of steps) expect(s.resource).toBe(`lifecycleHook/${GROUP}/${s.params.name}`);
  });

  it('is part of plan(): after the group steps, and a converged world with hooks plans nothing', () => {
    expect(plan(d, world(good)).steps).toEqual([]);
    const steps = plan(d, world([])).steps;
    expect(steps.map((s) => s.kind)).toEqual(['putLifecycleHook', 'putLifecycleHook']);
    expect(steps[0].params).toEqual({ groupName: GROUP, name: 'drover-launching', transition: 'launching', heartbeatTimeoutSeconds: 300, defaultResult: 'CONTINUE' });
  });
});
