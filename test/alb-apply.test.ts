/**
 * An ALB fleet end to end in-process over the simulated account: `apply --sim --wait` of
 * magento-alb.yaml creates the ALB, two owned target groups (blue, green) with the manifest's
 * health check and deregistration delay, a listener forwarding to blue at weight 100, and a group
 * attached to blue (not to a Classic ELB); a second apply changes nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSimAccount } from '../src/main/runtime';
import { drover } from './support/cli';

const EXAMPLE = path.resolve(__dirname, '../manifests/examples/magento-alb.yaml');

describe('drover apply of an ALB fleet', () => {
  let dir: string;
  const state = () => ['--state-dir', dir];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-alb-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the ALB, blue and green target groups and the listener; the group serves through blue; a second apply is a no-op', async () => {
    const applied = await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state());
    if (applied.code !== 0) throw new Error(applied.stdout + '\n---\n' + applied.stderr.slice(-3000));
    for (const kind of ['createElbV2LoadBalancer', 'createTargetGroup', 'createElbV2Listener', 'createAutoScalingGroup']) expect(applied.stdout).toContain(kind);
    expect(applied.stdout).not.toMatch(/\bcreateLoadBalancer\b/);
    expect(applied.stderr).toMatch(/Ready +2\/2 InService/);

    const world = openSimAccount(dir, false).snapshot();
    const tgs = Object.values(world.elbv2!.targetGroups);
    const arn = (name: string) => tgs.find((t) => t.name === name)?.arn;
    expect(tgs.map((t) => t.name).sort()).toEqual(['magento-alb-blue', 'magento-alb-green']);
    const group = world.groups['magento-alb-v001']!;
    expect(group.loadBalancers).toEqual([]);
    expect(group.targetGroups).toEqual([arn('magento-alb-blue')]);
    const [listener] = Object.values(world.elbv2!.listeners);
    expect(listener!.port).toBe(80);
    expect(listener!.actions[0]!.targetGroups).toEqual([{ arn: arn('magento-alb-blue'), weight: 100 }, { arn: arn('magento-alb-green'), weight: 0 }]);
    expect(Object.keys(world.loadBalancers ?? {})).toEqual([]);

    const again = await drover('apply', '-f', EXAMPLE, '--sim', '--wait', ...state());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/\b0 mutating\b/);
  });
});
