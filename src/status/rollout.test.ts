import type { DeploymentStatus } from '../model/fleet-status';
import { degradedFleet, FIXTURE_NOW, progressingFleet, readyFleet } from '../../test/support/status-fixtures';
import { renderRolloutHistory, revisionOf } from './rollout-history';
import { renderRolloutStatus, rolloutExitCode } from './rollout-status';

const now = FIXTURE_NOW;
const mid = progressingFleet.deployment!;

describe('rollout status', () => {
  it('renders progress and final lines', () => {
    const lines = [readyFleet, progressingFleet, degradedFleet].map((f) => renderRolloutStatus(f.deployment!, { now }));
    expect(lines.join('')).toMatchSnapshot();
  });

  it('says what it waits for, how long it has taken and how long is left', () => {
    expect(renderRolloutStatus(mid, { now })).toBe(
      'Waiting for green magento-staging-v004: 3 of 4 instances InService (elapsed 2m10s, timeout in 7m50s)...\n',
    );
  });

  it('has a line for every phase of a swap', () => {
    const phases = ['createLaunchTemplateVersion', 'createGreenGroup', 'attachGreen', 'waitGreenHealthy', 'deregisterBlue', 'drainBlue', 'soak', 'movePolicies', 'scaleBlueToZero', 'keepPrevious', 'deleteBlue', 'restoreBlue', 'waitBlueHealthy', 'detachGreen', 'deleteGreen'];
    const lines = phases.map((phase) => renderRolloutStatus({ ...mid, phase }, { now }));
    for (const line of lines) expect(line).not.toMatch(/^Waiting for deployment/);
    expect(new Set(lines).size).toBe(phases.length);
    expect(renderRolloutStatus({ ...mid, phase: 'drainBlue', blue: { group: 'magento-staging-v003', inService: 2, desired: 4 } }, { now })).toMatch(
      /^Draining blue magento-staging-v003: 2 of 4 instances still InService \(elapsed 2m10s/,
    );
  });

  it('says what holds a paused deployment and the command that lets it go on', () => {
    expect(renderRolloutStatus({ ...mid, phase: 'paused' }, { now })).toMatch(
      /^Paused before cut-over: green magento-staging-v004 3 of 4 instances InService, blue magento-staging-v003 still serves; 'drover rollout resume magento-staging' goes on \(elapsed/,
    );
    const rolling: DeploymentStatus = { ...mid, kind: 'rolling', phase: 'paused', green: undefined, blue: { group: 'magento-staging-v003', inService: 4, desired: 4 } };
    expect(renderRolloutStatus(rolling, { now })).toMatch(/^Paused between batches: rolling update of magento-staging-v003, 4 of 4 instances InService; 'drover rollout resume magento-staging' goes on/);
    const held: DeploymentStatus = { ...mid, kind: 'canary', phase: 'held', message: 'step 2 of 4; paused by an operator (rollout resume continues)' };
    expect(renderRolloutStatus(held, { now })).toMatch(/^Held before the next step \(paused by an operator\); 'drover rollout resume magento-staging' goes on/);
    for (const phase of ['suspendRefresh', 'resumeRefresh', 'resumeForRollback']) expect(renderRolloutStatus({ ...rolling, phase }, { now })).not.toMatch(/^Waiting for deployment/);
  });

  it('shows a canary step, its weight and its newest analysis', () => {
    const canary: DeploymentStatus = {
      ...mid, kind: 'canary', phase: 'pause',
      canary: {
        step: 2, steps: 5, weight: 25, greenServing: 1, desired: 4, approximate: true, cutOver: false, verdict: 'inconclusive', analysedAt: { phase: 'pause', step: 2 },
        analysis: [{ name: '5xx-rate', verdict: 'fail', value: 7.5, threshold: 1, message: 'green 7.5 > max 1 (1 failure of 1 allowed)' }],
      },
    };
    expect(renderRolloutStatus(canary, { now })).toBe(
      'Waiting for deployment "magento-staging": phase pause; canary step 2 of 5, weight 25 % (1 of 4 instances ≈ 25 %); '
        + 'analysis inconclusive at step 2 (pause): 5xx-rate fail: green 7.5 > max 1 (1 failure of 1 allowed) (elapsed 2m10s, timeout in 7m50s)...\n',
    );
  });

  it('falls back to the phase name and reports an overrun timeout', () => {
    const late = { ...mid, phase: 'somethingNew', timeoutAt: new Date(now.getTime() - 15_000).toISOString() };
    expect(renderRolloutStatus(late, { now })).toBe('Waiting for deployment "magento-staging": phase somethingNew (elapsed 2m10s, timed out 15s ago)...\n');
  });

  it('describes bakes by commit and step', () => {
    const bake: DeploymentStatus = { id: 'b', kind: 'bake', fleet: 'shop', commit: '0123456789abcdef', phase: 'waitBuilderStopped', result: 'InProgress', startedAt: new Date(now.getTime() - 65_000).toISOString() };
    expect(renderRolloutStatus(bake, { now })).toBe('Baking commit 01234567 for "shop": waiting for the builder to finish the build (elapsed 1m5s)...\n');
  });

  it('ends with success, rollback reason or failure and failing instances', () => {
    expect(renderRolloutStatus(readyFleet.deployment!, { now })).toBe('deployment "magento-marketplace" successfully rolled out\n');
    expect(renderRolloutStatus(degradedFleet.deployment!, { now })).toMatch(/^deployment "magento-b2b" rolled back: GreenHealthTimeout: green magento-b2b-v006/);
    const failed: DeploymentStatus = { ...mid, result: 'Failed', reason: 'CapacityUnavailable', message: undefined, failingInstanceIds: ['i-0abc1234def567899'] };
    expect(renderRolloutStatus(failed, { now })).toBe('deployment "magento-staging" failed: CapacityUnavailable (failing instances: i-0abc1234def567899)\n');
  });

  it('names the fleet from the group when the deployment does not carry it', () => {
    expect(renderRolloutStatus({ ...readyFleet.deployment!, fleet: undefined }, { now })).toBe('deployment "magento-marketplace" successfully rolled out\n');
  });

  it('exit code: 0 succeeded, 1 failed or rolled back, undefined while running', () => {
    expect(rolloutExitCode(readyFleet.deployment!)).toBe(0);
    expect(rolloutExitCode(degradedFleet.deployment!)).toBe(1);
    expect(rolloutExitCode({ ...mid, result: 'Failed' })).toBe(1);
    expect(rolloutExitCode(mid)).toBeUndefined();
  });
});

describe('rollout history', () => {
  it('renders oldest first', () => {
    const out = renderRolloutHistory(degradedFleet.history);
    expect(out).toMatchSnapshot();
    const revisions = out.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0]);
    expect(revisions).toEqual(['5', '6']);
    expect(out).toMatch(/^6 .* RolledBack +GreenHealthTimeout$/m);
  });

  it('says when there is no history', () => {
    expect(renderRolloutHistory([])).toBe('No rollout history found.\n');
  });
});

describe('rollout history revisions', () => {
  it('are generations where rollouts make groups, and a count from 2 where they refresh one group in place', () => {
    const swaps = readyFleet.history;
    expect(swaps.map(revisionOf(swaps))).toEqual(swaps.map((d) => (d.kind === 'bake' ? undefined : d.generation)));
    const rolling = (id: string): DeploymentStatus => ({ ...mid, id, kind: 'rolling', generation: undefined, result: 'Succeeded' });
    const history: DeploymentStatus[] = [rolling('r-3'), { ...mid, id: 'b-1', kind: 'bake', generation: undefined }, rolling('r-2'), rolling('r-1')];
    expect(history.map(revisionOf(history))).toEqual([4, undefined, 3, 2]);
    expect(renderRolloutHistory(history, { noHeaders: true }).split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['2', '3', '<none>', '4', '']);
  });
});
