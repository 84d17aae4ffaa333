/** `drover sim call ElasticLoadBalancingV2 …` and `drover sim break-ami --error-rate`, in-process over the saved account. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { drover } from './support/cli';

describe('drover sim: ELBv2 and the error-rate fault', () => {
  let dir: string;
  const state = () => ['--state-dir', path.join(dir, 'state')];
  const account = () => JSON.parse(fs.readFileSync(path.join(dir, 'state', 'sim', 'account.json'), 'utf8'));
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-elbv2-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('calls ELBv2 operations and keeps what they created', async () => {
    const input = JSON.stringify({ Name: 'shop-blue', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-0a1b2c3d4e5f60718' });
    const created = await drover('sim', 'call', 'ElasticLoadBalancingV2', 'CreateTargetGroup', input, ...state());
    expect(created.code).toBe(0);
    const arn = JSON.parse(created.stdout).TargetGroups[0].TargetGroupArn;
    expect(arn).toMatch(/:targetgroup\/shop-blue\//);
    const described = await drover('sim', 'call', 'ElasticLoadBalancingV2', 'DescribeTargetGroups', '{"Names":["shop-blue"]}', ...state());
    expect(JSON.parse(described.stdout).TargetGroups[0].TargetGroupArn).toBe(arn);
    const missing = await drover('sim', 'call', 'ElasticLoadBalancingV2', 'DescribeTargetGroups', '{"Names":["nope"]}', ...state());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('TargetGroupNotFoundException: One or more target groups not found');
  });

  it('persists an AMI error rate, clears it with 0, and rejects a rate outside 0..1', async () => {
    const ami = 'ami-0a1b2c3d4e5f60002';
    const set = await drover('sim', 'break-ami', ami, '--error-rate', '0.3', ...state());
    expect(set).toMatchObject({ code: 0, stdout: `${ami} now answers 30 % of requests with 5xx (health checks still pass)\n` });
    expect(account().state.amiErrorRates).toEqual({ [ami]: 0.3 });
    expect(account().state.brokenAmis).toEqual([]);
    expect((await drover('sim', 'break-ami', ami, '--error-rate', '0', ...state())).code).toBe(0);
    expect(account().state.amiErrorRates).toEqual({});
    const bad = await drover('sim', 'break-ami', ami, '--error-rate', '1.5', ...state());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--error-rate: "1.5" is not a fraction between 0 and 1');
    const build = await drover('sim', 'build-result', 'abc1234', '--error-rate', '0.25', ...state());
    expect(build.stdout).toContain('succeed with an AMI that serves 25 % 5xx');
    expect(account().state.buildResults.abc1234).toMatchObject({ ok: true, errorRate: 0.25 });
  });
});
