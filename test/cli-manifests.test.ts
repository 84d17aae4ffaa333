/**
 * Manifest safety in the CLI, in-process over the simulated account: the same fleet twice is
 * refused by plan and apply exactly as validate refuses it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { drover } from './support/cli';

const EXAMPLE = path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml');

describe('drover plan/apply: manifests', () => {
  let dir: string;
  const state = () => ['--state-dir', path.join(dir, 'state')];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-manifests-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['validate', 'plan', 'apply'])('%s refuses a fleet declared in two files, naming both (exit 2)', async (verb) => {
    const a = path.join(dir, 'a.yaml');
    const b = path.join(dir, 'b.yaml');
    fs.copyFileSync(EXAMPLE, a);
    fs.writeFileSync(b, fs.readFileSync(EXAMPLE, 'utf8').replace(/desired: \d+/, 'desired: 0').replace(/min: \d+/, 'min: 0'));
    const args = verb === 'validate' ? [a, b] : ['-f', a, b, '--sim', ...state()];
    const r = await drover(verb, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${a}:\\d+:1: duplicate fleet name "magento-marketplace" \\(also defined at ${b}:\\d+\\)`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^${b}:\\d+:1: duplicate fleet name "magento-marketplace" \\(also defined at ${a}:\\d+\\)`, 'm'));
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(dir, 'state', 'sim', 'account.json'))).toBe(false);
  });

  it('refuses to take a Ready fleet to 0 without allowZero or --allow-scale-to-zero', async () => {
    expect((await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state())).code).toBe(0);
    const zero = path.join(dir, 'zero.yaml');
    const text = fs.readFileSync(EXAMPLE, 'utf8').replace('    min: 2\n', '    min: 0\n').replace('    desired: 2\n', '    desired: 0\n');
    fs.writeFileSync(zero, text);
    const refused = await drover('apply', '-f', zero, '--sim', ...state());
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/refusing to scale fleet magento-marketplace to 0: group magento-marketplace-v001 runs 2 instance\(s\)/);
    expect(refused.stdout).toContain('spec.capacity.allowZero: true');
    const plan = await drover('plan', '-f', zero, '--sim', ...state());
    expect(plan.stdout).toContain('refusing to scale fleet magento-marketplace to 0');
    const minSize = async () => JSON.parse((await drover('sim', 'call', 'AutoScaling', 'DescribeAutoScalingGroups', '{}', ...state())).stdout).AutoScalingGroups[0].MinSize;
    expect(await minSize()).toBe(2);
    // Explicitly allowed, by flag or by the manifest: it goes to 0.
    expect((await drover('apply', '-f', zero, '--sim', '--allow-scale-to-zero', ...state())).code).toBe(0);
    expect(await minSize()).toBe(0);
    // Back to 2, then allowed by the manifest itself.
    expect((await drover('apply', '-f', EXAMPLE, '--sim', ...state())).code).toBe(0);
    expect(await minSize()).toBe(2);
    const allowed = path.join(dir, 'allowed.yaml');
    fs.writeFileSync(allowed, text.replace('    desired: 0\n', '    desired: 0\n    allowZero: true\n'));
    expect((await drover('validate', allowed)).code).toBe(0);
    expect((await drover('apply', '-f', allowed, '--sim', ...state())).code).toBe(0);
    expect(await minSize()).toBe(0);
  }, 120_000);

  it('plan refuses two documents of one file with the same name, naming both lines', async () => {
    const a = path.join(dir, 'a.yaml');
    const text = fs.readFileSync(EXAMPLE, 'utf8');
    fs.writeFileSync(a, `${text}\n---\n${text}`);
    const r = await drover('plan', '-f', a, '--sim', ...state());
    expect(r.code).toBe(2);
    expect(r.stderr.match(/duplicate fleet name "magento-marketplace"/g)).toHaveLength(2);
    expect(r.stdout).toBe('');
  });
});
