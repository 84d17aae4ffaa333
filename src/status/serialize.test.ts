import { parse } from 'yaml';
import { degradedFleet, fixtureList } from '../../test/support/status-fixtures';
import { toJson, toYaml } from './serialize';

describe('-o json / -o yaml', () => {
  it('JSON is the FleetStatusList envelope', () => {
    const out = toJson(fixtureList());
    expect(out).toMatchSnapshot();
    const doc = JSON.parse(out);
    expect(doc.apiVersion).toBe('drover.dev/v1alpha1');
    expect(doc.kind).toBe('FleetStatus');
    expect(doc.items.map((i: { name: string }) => i.name)).toEqual(['magento-marketplace', 'magento-staging', 'magento-b2b']);
  });

  it('YAML round-trips to the same data as JSON', () => {
    const out = toYaml(fixtureList());
    expect(out).toMatchSnapshot();
    expect(parse(out)).toEqual(JSON.parse(toJson(fixtureList())));
    expect(out.startsWith('apiVersion: drover.dev/v1alpha1\nkind: FleetStatus\n')).toBe(true);
  });

  it('describe -o json is the single FleetStatus object', () => {
    const doc = JSON.parse(toJson(degradedFleet));
    expect(doc.name).toBe('magento-b2b');
    expect(doc.deployment.failingInstanceIds).toEqual(['i-0abc1234def567890', 'i-0abc1234def567891']);
    expect(doc.apiVersion).toBeUndefined();
  });
});
