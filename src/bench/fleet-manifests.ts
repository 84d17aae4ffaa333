/** Many fleets for benchmarks, made from one example manifest: only names and capacity change. */
import { parseDocument } from 'yaml';

/** `fleet-000` … : fixed width, so no fleet name is a prefix of another's resource names. */
export function benchFleetName(i: number, width = 3): string {
  return `fleet-${String(i).padStart(width, '0')}`;
}

/**
 * `count` copies of the manifest `text`, each with its own fleet name and load balancer name
 * and `instances` as min and desired capacity (max at least that). File name → manifest text.
 */
export function fleetManifests(text: string, count: number, instances: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const name = benchFleetName(i);
    const doc = parseDocument(text);
    doc.setIn(['metadata', 'name'], name);
    doc.setIn(['spec', 'loadBalancer', 'name'], name);
    const max = Math.max(instances, Number(doc.getIn(['spec', 'capacity', 'max']) ?? instances));
    doc.setIn(['spec', 'capacity'], doc.createNode({ min: instances, max, desired: instances }));
    files[`${name}.yaml`] = doc.toString();
  }
  return files;
}
