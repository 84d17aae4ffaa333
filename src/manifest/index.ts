/** The manifest module: YAML → validated DesiredFleet, with problems located at file:line:col. */
export { loadManifestFile, loadManifestText, MAX_MANIFEST_BYTES, MAX_ALIAS_COUNT } from './load';
export { loadManifestDir, listManifestFiles } from './load-dir';
export type { LoadDirResult } from './load-dir';
export { validateFiles } from './validate-command';
export type { ValidateResult } from './validate-command';
export { FLEET_SCHEMA, SCHEMA_ID } from './schema';
export { dropDuplicateFleets, duplicateNameOf } from './duplicates';
