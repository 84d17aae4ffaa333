/** The example fleet manifest with another AMI and short waits, written to `dir/name` for a test. */
import * as fs from 'node:fs';
import * as path from 'node:path';

const EXAMPLE = fs.readFileSync(path.resolve(__dirname, '../../manifests/examples/magento-marketplace.yaml'), 'utf8');

/** soak 1m; keepPrevious 5m unless `keepPrevious` says otherwise (e.g. '1h', the example's own). */
export function writeExampleManifest(dir: string, name: string, ami: string, opts: { keepPrevious?: string } = {}): string {
  const text = EXAMPLE.replace(/^(\s+)ami: ami-0a1b2c3d4e5f60001/m, `$1ami: ${ami}`)
    .replace(/soak: 5m/, 'soak: 1m')
    .replace(/keepPrevious: 1h/, `keepPrevious: ${opts.keepPrevious ?? '5m'}`);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
