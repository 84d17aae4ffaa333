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
