/**
 * Launch failures through the CLI on the simulated account (issue 10, reproduction 4): an
 * instance type typo is caught by `validate` and `plan`; an AMI that does not exist is an error
 * of `plan` and `apply`, not a step; an AMI that disappears after the swap started fails the
 * deploy within one poll with AWS's reason, while the old group keeps serving N/N.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../src/sim';
import { drover } from './support/cli';

const EXAMPLE = fs.readFileSync(path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml'), 'utf8');
const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002', missing: 'ami-0a1b2c3d4e5f6dead' };
const FLEET = 'magento-marketplace';

function manifest(dir: string, name: string, edit: (text: string) => string): string {
  const text = edit(EXAMPLE.replace(/soak: 5m/, 'soak: 1m').replace(/keepPrevious: 1h/, 'keepPrevious: 5m'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const withAmi = (ami: string) => (t: string) => t.replace(/^(\s+)ami: ami-0a1b2c3d4e5f60001/m, `$1ami: ${ami}`);

function account(dir: string): SimAccount {
  return SimAccount.load(path.join(dir, 'sim', 'account.json'));
}

function live(dir: string): string[] {
  return account(dir).groups().filter((g) => !g.deleting).map((g) => g.name);
}

describe('launch failures through the CLI (simulated account)', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-launch-'));
    const r = await drover('apply', '-f', manifest(dir, 'base.yaml', withAmi(AMI.base)), '--wait', '--fresh', ...state());
    expect(r.code).toBe(0);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an instance type typo fails validate and plan at FILE:LINE:COL with a suggestion, and changes nothing', async () => {
    const file = manifest(dir, 'typo.yaml', (t) => t.replace(/type: c5\.large/, 'type: t3.smal'));
    const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('t3.smal')) + 1;
    const validate = await drover('validate', file);
    expect(validate.code).toBe(2);
    expect(validate.stderr + validate.stdout).toContain(`${file}:${line}:11: spec.instances.type: "t3.smal" is not a known EC2 instance type; did you mean "t3.small"?`);
    const plan = await drover('plan', '-f', file, ...state());
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/did you mean "t3.small"/);
    expect(live(dir)).toEqual([`${FLEET}-v001`]);
  });

  it('an AMI that does not exist is an error of plan and apply naming the AMI and its field; blue serves N/N', async () => {
    const file = manifest(dir, 'missing.yaml', withAmi(AMI.missing));
    const plan = await drover('plan', '-f', file, ...state());
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(`AMI ${AMI.missing} does not exist (InvalidAMIID.NotFound)`);
    expect(plan.stdout).toContain(`spec.image.ami at ${file}:35:10`);
    expect(plan.stdout).not.toMatch(/startDeployment/);
    const before = account(dir).clock.nowMs();
    const apply = await drover('apply', '-f', file, '--wait', ...state());
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain('InvalidAMIID.NotFound');
    expect(account(dir).clock.nowMs() - before).toBeLessThan(120_000);
    expect(live(dir)).toEqual([`${FLEET}-v001`]);
    expect(account(dir).inServiceCount(FLEET)).toBe(2);
  });

  it('an AMI deregistered after the swap started fails the deploy within 2 virtual minutes with AWS\'s reason; blue serves N/N', async () => {
    const file = manifest(dir, 'r2.yaml', withAmi(AMI.r2));
    const started = await drover('apply', '-f', file, ...state());
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/in progress: swap/);
    const gone = await drover('sim', 'call', 'EC2', 'DeregisterImage', JSON.stringify({ ImageId: AMI.r2 }), ...state());
    expect(gone.code).toBe(0);
    const before = account(dir).clock.nowMs();
    const r = await drover('apply', '-f', file, '--wait', ...state());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`The image id '[${AMI.r2}]' does not exist. Launching EC2 instance failed. (InvalidAMIID.NotFound)`);
    expect(r.stdout).toMatch(/RolledBack \(LaunchFailed\)/);
    expect(account(dir).clock.nowMs() - before).toBeLessThan(120_000);
    expect(live(dir)).toEqual([`${FLEET}-v001`]);
    expect(account(dir).inServiceCount(FLEET)).toBe(2);
    const describe = await drover('describe', 'fleet', FLEET, ...state());
    expect(describe.stdout).toMatch(/LaunchFailed/);
  });
});
