/**
 * Write FLEET_SCHEMA to manifests/schema/fleet.schema.json (run after build:
 * `node dist/manifest/write-schema.js`). A test keeps the committed file in sync.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FLEET_SCHEMA } from './schema';

/** Works from both src/manifest and dist/manifest. */
export const SCHEMA_FILE = resolve(__dirname, '..', '..', 'manifests', 'schema', 'fleet.schema.json');

export function renderSchema(): string {
  return `${JSON.stringify(FLEET_SCHEMA, null, 2)}\n`;
}

export function writeSchema(file: string = SCHEMA_FILE): string {
  writeFileSync(file, renderSchema());
  return file;
}

if (require.main === module) {
  process.stdout.write(`wrote ${writeSchema(process.argv[2])}\n`);
}
