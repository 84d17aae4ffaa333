import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadManifestText } from '../manifest';
import { benchFleetName, fleetManifests } from './fleet-manifests';

const example = fs.readFileSync(path.join(__dirname, '../../manifests/examples/magento-marketplace.yaml'), 'utf8');

describe('bench fleet manifests', () => {
  it('makes valid fleets with their own names, load balancers and capacity', () => {
    const files = fleetManifests(example, 12, 10);
    const fleets = Object.entries(files).flatMap(([file, text]) => loadManifestText(text, file));
    expect(fleets.map((f) => f.name)).toEqual(Array.from({ length: 12 }, (_, i) => benchFleetName(i)));
    expect(new Set(fleets.map((f) => f.loadBalancer.name)).size).toBe(12);
    for (const f of fleets) {
      expect(f.loadBalancer.name).toBe(f.name);
      expect(f.capacity).toEqual({ min: 10, max: 10, desired: 10 });
    }
  });

  it('keeps the example max when it is above the instance count', () => {
    const [f] = Object.entries(fleetManifests(example, 1, 2)).flatMap(([file, text]) => loadManifestText(text, file));
    expect(f.capacity).toEqual({ min: 2, max: 10, desired: 2 });
    expect(f.image).toEqual(loadManifestText(example, 'example.yaml')[0].image);
  });

  it('names have a fixed width, so no fleet name prefixes another', () => {
    const names = Array.from({ length: 100 }, (_, i) => benchFleetName(i));
    expect(names.filter((a) => names.some((b) => a !== b && b.startsWith(`${a}-`)))).toEqual([]);
    expect(benchFleetName(7)).toBe('fleet-007');
  });
});
