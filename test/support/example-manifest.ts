/** The example fleet manifest with another AMI and short waits, written to `dir/name` for a test. */
import * as fs from 'node:fs';
import * as path from 'node:path';

const EXAMPLE = fs.readFileSync(path.resolve(__dirname, '../../manifests/examples/magento-marketplace.yaml'), 'utf8');

export interface ExampleOptions {
  /** The example's own is 1h. */
  keepPrevious?: string;
  /** Capacity instead of the example's min 2, desired 2 (max stays 10). */
  min?: number;
  desired?: number;
  /** Lines in place of `strategy: blueGreen`, each at its indentation: `['strategy: canary', 'canary:', '  steps: [...]']`. */
  strategy?: string[];
  minHealthyPercent?: number;
}

/** soak 1m; keepPrevious 5m unless `keepPrevious` says otherwise (e.g. '1h', the example's own). */
export function writeExampleManifest(dir: string, name: string, ami: string, opts: ExampleOptions = {}): string {
  let text = EXAMPLE.replace(/^(\s+)ami: ami-0a1b2c3d4e5f60001/m, `$1ami: ${ami}`)
    .replace(/soak: 5m/, 'soak: 1m')
    .replace(/keepPrevious: 1h/, `keepPrevious: ${opts.keepPrevious ?? '5m'}`);
  if (opts.min !== undefined || opts.desired !== undefined) {
    text = text.replace(/^(\s+)min: 2\n(\s+)max: 10\n(\s+)desired: 2/m, `$1min: ${opts.min ?? 2}\n$2max: 10\n$3desired: ${opts.desired ?? 2}`);
  }
  const strategy = opts.strategy;
  if (strategy) text = text.replace(/^(\s+)strategy: blueGreen.*$/m, (_, indent: string) => strategy.map((line) => indent + line).join('\n'));
  if (opts.minHealthyPercent !== undefined) text = text.replace(/minHealthyPercent: 90/, `minHealthyPercent: ${opts.minHealthyPercent}`);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
