/** The demo's manifest merge: strategy blueGreen becomes a canary with steps and the default analysis, and the result validates. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadManifestText } from '../manifest/load';
import { switchToCanary } from './demo-canary';

const EXAMPLE = path.resolve(__dirname, '../../manifests/examples/magento-marketplace.yaml');

describe('switchToCanary', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-demo-canary-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('turns the example fleet into a canary the manifest loader accepts', () => {
    const file = path.join(dir, 'fleet.yaml');
    fs.copyFileSync(EXAMPLE, file);
    switchToCanary(file);
    const [fleet] = loadManifestText(fs.readFileSync(file, 'utf8'), file);
    expect(fleet.deploy).toMatchObject({ strategy: 'canary', analysis: 'default' });
    expect(JSON.stringify(fleet.deploy)).toContain('"setWeight":50');
  });

  it('names the file and what it missed, and leaves the file alone', () => {
    const file = path.join(dir, 'rolling.yaml');
    const text = fs.readFileSync(EXAMPLE, 'utf8').replace(/strategy: blueGreen/, 'strategy: rolling');
    fs.writeFileSync(file, text);
    expect(() => switchToCanary(file)).toThrow(`${file}: no "strategy: blueGreen" under spec.deploy to switch to canary`);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });
});
