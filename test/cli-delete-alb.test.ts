/**
 * `drover delete fleet` of an ALB fleet over the simulated account: everything drover made (groups,
 * target groups, listener, load balancer) goes, by ownership tag. In front of someone else's ALB
 * and listener, those stay: the listener only loses its weights to the fleet's target groups, and
 * when the fleet's groups are all it forwards to, deletion stops and says what the user must do.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsPort } from '../src/aws/clients';
import { openSimAccount, simAccountFile } from '../src/main/runtime';
import { createSimPlugin, SimAccount } from '../src/sim';
import { drover } from './support/cli';
import { fleetLeftovers } from './support/leftovers';
import { simClients } from './support/sim';
import { albView, createTargetGroup } from './support/sim-elbv2';

const EXAMPLE = path.resolve(__dirname, '../manifests/examples/magento-alb.yaml');
const FLEET = 'magento-alb';

describe('drover delete fleet of an ALB fleet', () => {
  let dir: string;
  const state = () => ['--state-dir', dir];
  const world = () => openSimAccount(dir, false, { readOnly: true }).snapshot();
  const v2Names = () => {
    const v2 = world().elbv2!;
    return {
      loadBalancers: Object.values(v2.loadBalancers).map((l) => l.name),
      listeners: Object.values(v2.listeners).length,
      targetGroups: Object.values(v2.targetGroups).map((t) => t.name).sort(),
    };
  };

  /** The ALB and its listener become someone else's (tagged for another owner); `fallback` adds their own target group at weight 50. */
  async function handOver(fallback: boolean): Promise<void> {
    const file = simAccountFile(dir);
    const sim = SimAccount.load(file);
    const { elbv2 } = simClients(sim);
    const port = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
    const v2 = sim.snapshot().elbv2!;
    const [lb] = Object.values(v2.loadBalancers);
    const [listener] = Object.values(v2.listeners);
    await port.elbv2.AddTags({ ResourceArns: [lb!.arn, listener!.arn], Tags: [{ Key: 'drover:fleet', Value: 'platform-edge' }] });
    if (fallback) {
      const own = await createTargetGroup(elbv2, 'edge-fallback');
      const forward = [{ TargetGroupArn: own, Weight: 50 }, ...listener!.actions[0]!.targetGroups!.map((t) => ({ TargetGroupArn: t.arn, Weight: t.weight ? 50 : 0 }))];
      await port.elbv2.ModifyListener({ ListenerArn: listener!.arn, DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: forward } }] });
    }
    sim.save(file);
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-delete-alb-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('deletes the groups, target groups, listener and ALB drover made; a second run is a no-op', async () => {
    expect((await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state())).code).toBe(0);
    const before = fleetLeftovers(world(), FLEET);
    for (const kind of ['group/', 'targetGroup/', 'listener/', 'elbv2LoadBalancer/']) expect(before.some((r) => r.startsWith(kind))).toBe(true);

    const r = await drover('delete', 'fleet', FLEET, '--sim', '--yes', ...state());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`fleet ${FLEET}: deleted`);
    const order = [...r.stderr.matchAll(/^magento-alb {2}(\w+) /gm)].map((m) => m[1]);
    expect(order.indexOf('deleteAutoScalingGroup')).toBeLessThan(order.indexOf('deleteElbV2LoadBalancer'));
    expect(order.indexOf('deleteElbV2LoadBalancer')).toBeLessThan(order.indexOf('deleteTargetGroup'));
    expect(fleetLeftovers(world(), FLEET)).toEqual([]);
    expect(v2Names()).toEqual({ loadBalancers: [], listeners: 0, targetGroups: [] });

    const again = await drover('delete', 'fleet', FLEET, '--sim', '--yes', ...state());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to delete\n {2}calls: \d+ read, 0 mutating/);
  }, 120_000);

  it('apply of the manifest with spec.deletion: true deletes the ALB fleet the same way', async () => {
    expect((await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state())).code).toBe(0);
    const marked = path.join(dir, 'deleted.yaml');
    fs.writeFileSync(marked, `${fs.readFileSync(EXAMPLE, 'utf8').trimEnd()}\n  deletion: true\n`);
    const r = await drover('apply', '-f', marked, '--sim', '--wait', ...state());
    expect({ code: r.code, stderr: r.code ? r.stderr.slice(-2000) : '' }).toEqual({ code: 0, stderr: '' });
    expect(fleetLeftovers(world(), FLEET)).toEqual([]);
    expect(v2Names()).toEqual({ loadBalancers: [], listeners: 0, targetGroups: [] });
  }, 120_000);

  it("in front of someone else's ALB: their ALB, listener and target group stay; the listener keeps only its own weights", async () => {
    expect((await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state())).code).toBe(0);
    await handOver(true);
    const r = await drover('delete', 'fleet', FLEET, '--sim', '--yes', ...state());
    expect({ code: r.code, stderr: r.code ? r.stderr.slice(-2000) : '' }).toEqual({ code: 0, stderr: '' });
    expect(r.stderr).toMatch(/removeFromElbV2Listener/);
    expect(r.stderr).not.toMatch(/deleteElbV2LoadBalancer|deleteElbV2Listener/);
    expect(v2Names()).toEqual({ loadBalancers: [FLEET], listeners: 1, targetGroups: ['edge-fallback'] });
    expect(albView(openSimAccount(dir, false, { readOnly: true })).weights).toEqual({ 'edge-fallback': 50 });
    expect(fleetLeftovers(world(), FLEET)).toEqual([]);
  }, 120_000);

  it("stops with what to do when someone else's listener forwards only to the fleet's target groups, and leaves that listener alone", async () => {
    expect((await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state())).code).toBe(0);
    await handOver(false);
    const r = await drover('delete', 'fleet', FLEET, '--sim', '--yes', ...state());
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/listener HTTP:80 of load balancer magento-alb is not drover's and forwards only to the fleet's target groups \(magento-alb-blue, magento-alb-green\); point it at another target group/);
    expect(v2Names()).toEqual({ loadBalancers: [FLEET], listeners: 1, targetGroups: ['magento-alb-blue', 'magento-alb-green'] });
    expect(albView(openSimAccount(dir, false, { readOnly: true })).weights).toEqual({ 'magento-alb-blue': 100, 'magento-alb-green': 0 });
    expect(fleetLeftovers(world(), FLEET).filter((x) => x.startsWith('group/'))).toEqual([]);
  }, 120_000);
});
