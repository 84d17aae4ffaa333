/** `drover demo --once` is the smoke test of the whole story: every step's check must hold. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { drover } from './support/cli';

it('drover demo --once plays every step and exits 0', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-demo-test-'));
  try {
    const r = await drover('demo', '--once', '--listen', '127.0.0.1:0', '--state-dir', dir);
    expect(r.stdout).toMatch(/5 of 5 steps held/);
    expect(r.stdout).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);
    // What a second terminal would show: the fleet's status, written by the daemon.
    const status = JSON.parse(fs.readFileSync(path.join(dir, 'state', 'fleets', 'magento-marketplace.json'), 'utf8')).sections.status;
    expect(status.history.map((d: { kind: string; result: string }) => `${d.kind}:${d.result}`)).toEqual(
      expect.arrayContaining(['swap:Succeeded', 'swap:RolledBack', 'bake:Succeeded']),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
