import type { ControllerEvent } from '../../model/events';
import { parseMessage } from './parsers/parse-message';
import { FleetRoute, routeEvent } from './route';
import { alarmEvent, instanceStateChange, lifecycleEventBridge, lifecycleNotification, lifecycleTestNotification, mergeRequestHook, pushHook, SHA_A, SHA_B } from '../../bench/payloads';

const FLEETS: FleetRoute[] = [
  { name: 'shop', region: 'eu-west-1', bakeRepository: 'https://gitlab.example.com/shop/magento.git', bakeBranch: 'master', alarmNames: ['shop-cpu-high', 'checkout-errors'] },
  { name: 'shop-admin', bakeRepository: 'git@gitlab.example.com:shop/magento.git', bakeBranch: 'release', groupNames: ['legacy-admin-asg'] },
  { name: 'blog', bakeRepository: 'shop/wordpress', bakeBranch: 'master' },
];
const MANIFESTS = 'git@gitlab.example.com:ops/fleets.git';

function event(body: unknown, headers?: Record<string, string>): ControllerEvent {
  const r = parseMessage(JSON.stringify(body), { messageId: 'm', headers });
  if (!r.ok) throw new Error(r.reason);
  return r.event;
}

describe('routeEvent', () => {
  it('requests a bake of the merge commit for every fleet baking that repository and branch', () => {
    expect(routeEvent(event(mergeRequestHook()), FLEETS, MANIFESTS)).toMatchObject({ fleetKeys: ['shop'], action: 'bake', commit: SHA_A });
    expect(routeEvent(event(mergeRequestHook({ target: 'release' })), FLEETS)).toMatchObject({ fleetKeys: ['shop-admin'], action: 'bake' });
  });

  it('ignores a merge into a branch no fleet bakes, saying which branches they bake', () => {
    const d = routeEvent(event(mergeRequestHook({ target: 'develop' })), FLEETS);
    expect(d).toMatchObject({ fleetKeys: [], action: 'ignore' });
    expect(d.reason).toContain('shop bakes master');
    expect(d.reason).toContain('shop-admin bakes release');
  });

  it('ignores a merge into a repository no fleet bakes', () => {
    const d = routeEvent(event(mergeRequestHook({ path: 'other/thing' })), FLEETS);
    expect(d).toMatchObject({ action: 'ignore' });
    expect(d.reason).toContain('no fleet bakes from other/thing');
  });

  it('only records an opened merge request', () => {
    expect(routeEvent(event(mergeRequestHook({ action: 'open' })), FLEETS)).toMatchObject({ action: 'record', fleetKeys: ['shop', 'shop-admin'] });
  });

  it('requests a bake for a push to the fleet branch', () => {
    expect(routeEvent(event(pushHook()), FLEETS)).toMatchObject({ action: 'bake', fleetKeys: ['shop'], commit: SHA_A });
  });

  it('reloads manifests on a push to the manifest repository default branch only', () => {
    expect(routeEvent(event(pushHook({ path: 'ops/fleets' })), FLEETS, MANIFESTS)).toMatchObject({ action: 'reload-manifests', fleetKeys: ['shop', 'shop-admin', 'blog'] });
    expect(routeEvent(event(pushHook({ path: 'ops/fleets', ref: 'refs/heads/wip' })), FLEETS, MANIFESTS)).toMatchObject({ action: 'ignore' });
    expect(routeEvent(event(pushHook({ path: 'ops/fleets' })), FLEETS)).toMatchObject({ action: 'ignore' });
  });

  it('routes lifecycle events by versioned group name or listed group, exactly', () => {
    expect(routeEvent(event(lifecycleNotification(undefined, 'shop-v002')), FLEETS)).toMatchObject({ action: 'lifecycle', fleetKeys: ['shop'] });
    expect(routeEvent(event(lifecycleEventBridge(undefined, 'shop-admin-v010')), FLEETS)).toMatchObject({ action: 'lifecycle', fleetKeys: ['shop-admin'] });
    expect(routeEvent(event(lifecycleNotification(undefined, 'legacy-admin-asg')), FLEETS)).toMatchObject({ fleetKeys: ['shop-admin'] });
    expect(routeEvent(event(lifecycleNotification(undefined, 'shop-v2')), FLEETS)).toMatchObject({ action: 'drop', reason: expect.stringContaining("not drover's") });
    expect(routeEvent(event(lifecycleTestNotification('shop-v001')), FLEETS)).toMatchObject({ action: 'record', fleetKeys: ['shop'] });
  });

  it('routes alarms by listed name, then by the longest fleet prefix', () => {
    expect(routeEvent(event(alarmEvent('checkout-errors')), FLEETS)).toMatchObject({ action: 'alarm', fleetKeys: ['shop'] });
    expect(routeEvent(event(alarmEvent('shop-admin-cpu-high')), FLEETS)).toMatchObject({ action: 'alarm', fleetKeys: ['shop-admin'] });
    expect(routeEvent(event(alarmEvent('shop-cpu-low')), FLEETS)).toMatchObject({ action: 'alarm', fleetKeys: ['shop'] });
    expect(routeEvent(event(alarmEvent('billing-5xx')), FLEETS)).toMatchObject({ action: 'drop', fleetKeys: [] });
  });

  it('a merge without merge_commit_sha bakes nothing yet: it waits for the push, never the source head', () => {
    const d = routeEvent(event(mergeRequestHook({ mergeCommit: null, lastCommit: SHA_B })), FLEETS);
    expect(d).toMatchObject({ action: 'record', fleetKeys: ['shop'] });
    expect(d.commit).toBeUndefined();
    expect(d.reason).toContain('waiting for the push to master');
    expect(routeEvent(event(pushHook({ before: SHA_A, after: SHA_B })), FLEETS)).toMatchObject({ action: 'bake', commit: SHA_B, before: SHA_A, commitSource: 'after' });
  });

  it('a squash merge bakes squash_commit_sha', () => {
    const d = routeEvent(event(mergeRequestHook({ mergeCommit: null, squashCommit: SHA_B, lastCommit: SHA_A })), FLEETS);
    expect(d).toMatchObject({ action: 'bake', commit: SHA_B, commitSource: 'squash_commit_sha' });
    expect(d.reason).toContain('squash_commit_sha');
  });

  it('drops lifecycle and alarm events from another region or account, naming it', () => {
    const foreign = { ...lifecycleEventBridge(undefined, 'shop-v002'), region: 'us-east-1' };
    const d = routeEvent(event(foreign), FLEETS);
    expect(d).toMatchObject({ action: 'drop', fleetKeys: [] });
    expect(d.reason).toContain('region us-east-1');
    expect(d.reason).toContain('eu-west-1');
    const alarm = routeEvent(event(alarmEvent('shop-cpu-high')), FLEETS, undefined, '999999999999');
    expect(alarm).toMatchObject({ action: 'drop' });
    expect(alarm.reason).toContain('account 123456789012');
    expect(routeEvent(event(alarmEvent('shop-cpu-high')), FLEETS, undefined, '123456789012')).toMatchObject({ action: 'alarm', fleetKeys: ['shop'] });
  });

  it('hands an EC2 state change to the instance lookup', () => {
    expect(routeEvent(event(instanceStateChange()), FLEETS)).toMatchObject({ action: 'instance', fleetKeys: [] });
  });
});
