import Ajv from 'ajv';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FLEET_SCHEMA, SCHEMA_ID } from './schema';
import { renderSchema, SCHEMA_FILE } from './write-schema';
import { DEFAULTS } from './schema-defaults';
import { EXAMPLES } from '../../test/support/manifest';

const committed = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));

describe('the published JSON Schema', () => {
  it('is in sync with the TypeScript definition (run `npm run build && npm run schema` to regenerate)', () => {
    expect(committed).toEqual(FLEET_SCHEMA);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderSchema());
  });

  it('is a draft-07 schema with an id and a title', () => {
    expect(committed.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(committed.$id).toBe(SCHEMA_ID);
    expect(committed.title).toBe('drover Fleet');
  });

  it('closes every object with additionalProperties: false (the labels and analysis dimensions maps excepted)', () => {
    const open: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.type === 'object' && n.additionalProperties !== false && !/\/(labels|dimensions)$/.test(at)) open.push(at);
      for (const [k, v] of Object.entries(n)) walk(v, `${at}/${k}`);
    };
    walk(committed, '#');
    expect(open).toEqual([]);
  });

  it('documents the defaults drover applies', () => {
    const spec = committed.properties.spec.properties;
    expect(spec.loadBalancer.properties.connectionDraining.default).toBe(DEFAULTS.connectionDraining);
    expect(spec.loadBalancer.properties.crossZone.default).toBe(true);
    expect(spec.storage.properties.efs.properties.performanceMode.default).toBe('generalPurpose');
    expect(spec.image.properties.bake.properties.timeout.default).toBe('30m');
    expect(spec.deploy.properties.strategy.default).toBe('blueGreen');
    expect(spec.deploy.properties.minHealthyPercent.default).toBe(90);
  });

  it('validates every example with a generic ajv, as an editor would', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(committed);
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(['magento-alb.yaml', 'magento-marketplace.yaml', 'minimal.yaml', 'two-fleets.yaml']);
    for (const f of files) {
      const text = readFileSync(join(EXAMPLES, f), 'utf8');
      expect(text.startsWith('# yaml-language-server: $schema=../schema/fleet.schema.json\n')).toBe(true);
      const docs = parseAllDocuments(text);
      for (const doc of Array.isArray(docs) ? docs : []) {
        expect(validate(doc.toJS())).toBe(true);
      }
    }
  });
});
