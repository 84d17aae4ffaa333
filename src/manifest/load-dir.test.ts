import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listManifestFiles, loadManifestDir } from './load-dir';
import { ROOT, minimalWith } from '../../test/support/manifest';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'drover-dir-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const named = (name: string) => minimalWith((d) => (d.metadata.name = name));

describe('loadManifestDir', () => {
  it('loads good files even when others are bad', () => {
    const dir = tree({
      'a.yaml': named('alpha'),
      'b.yml': named('beta'),
      'broken.yaml': 'spec: [',
      'notes.txt': 'not a manifest',
      'team/c.yaml': named('gamma'),
      'team/deeper/d.yaml': named('delta'),
      'schema/x.yaml': 'whatever: 1',
    });
    const { fleets, errors } = loadManifestDir(dir);
    expect(fleets.map((f) => f.name)).toEqual(['alpha', 'beta', 'gamma']);
    expect(errors).toHaveLength(1);
    expect(errors[0].problems[0].file).toBe(join(dir, 'broken.yaml'));
  });

  it('keeps neither of two fleets with the same name and reports both files', () => {
    const dir = tree({ 'a.yaml': named('shop'), 'b.yaml': named('shop'), 'c.yaml': named('blog') });
    const { fleets, errors } = loadManifestDir(dir);
    expect(fleets.map((f) => f.name)).toEqual(['blog']);
    expect(errors.map((e) => e.problems[0])).toEqual([
      { file: join(dir, 'a.yaml'), line: 1, col: 1, message: `duplicate fleet name "shop" (also defined at ${join(dir, 'b.yaml')}:1); neither is used` },
      { file: join(dir, 'b.yaml'), line: 1, col: 1, message: `duplicate fleet name "shop" (also defined at ${join(dir, 'a.yaml')}:1); neither is used` },
    ]);
  });

  it('reports an unreadable directory as an error', () => {
    const { fleets, errors } = loadManifestDir('/no/such/dir');
    expect(fleets).toEqual([]);
    expect(errors[0].problems[0].message).toMatch(/^reading directory: ENOENT/);
  });

  it('loads the repository manifests directory, skipping schema/', () => {
    expect(listManifestFiles(join(ROOT, 'manifests')).map((f) => f.slice(ROOT.length + 1))).toEqual([
      'manifests/examples/magento-alb.yaml',
      'manifests/examples/magento-marketplace.yaml',
      'manifests/examples/minimal.yaml',
      'manifests/examples/two-fleets.yaml',
    ]);
    const { fleets, errors } = loadManifestDir(join(ROOT, 'manifests'));
    expect(errors).toEqual([]);
    expect(fleets.map((f) => f.name)).toEqual(['magento-alb', 'magento-marketplace', 'minimal', 'storefront', 'admin']);
  });
});

describe('listManifestFiles with other YAML around', () => {
  it('skips YAML that is not a drover manifest but keeps a broken fleet file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-dir-'));
    fs.writeFileSync(path.join(dir, 'k8s.yaml'), 'apiVersion: apps/v1\nkind: Deployment\n');
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'apiVersion: drover.dev/v1alpha1\nkind: Fleet\nmetadata: {name: x}\nspec: {}\n');
    expect(listManifestFiles(dir).map((f) => path.basename(f))).toEqual(['broken.yaml']);
    expect(loadManifestDir(dir).errors.length).toBe(1);
  });
});
