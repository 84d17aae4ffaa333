/**
 * The layer rules of issue 12 as data, and a checker over the import graph, so `npm test`
 * enforces them (eslint.config.mjs states the same rules for editors; CI runs only jest).
 * Every import of every .ts file under src/ and test/ is read: a relative specifier resolves
 * to a repository path (`src/planner/scaling.ts`), a bare one is a package (`@aws-sdk/client-ec2`).
 */
import { existsSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve, sep } from 'path';
import { importSpecifiers, tsFiles } from './import-graph';

export interface Import {
  /** The importing file, relative to the repository root, with `/` separators. */
  file: string;
  /** The specifier as written. */
  spec: string;
  /** A repository path (`src/model/plan.ts`) for a relative specifier, else the package name as written. */
  target: string;
  /** True for a package or node builtin, false for a file of the repository. */
  bare: boolean;
}

export interface LayerRule {
  /** The rule as a sentence; violation messages quote it. */
  rule: string;
  /** Which importing files the rule governs (repository paths). */
  governs: (file: string) => boolean;
  /** Whether the rule forbids this import. */
  forbids: (imp: Import) => boolean;
}

export interface Violation {
  file: string;
  spec: string;
  rule: string;
}

const posix = (p: string) => p.split(sep).join('/');
const isTest = (file: string) => file.endsWith('.test.ts');
/** `under('src/aws')('src/aws/port.ts')` — the file is in that folder (at any depth). */
const under = (...folders: string[]) => (path: string) => folders.some((f) => path === f || path.startsWith(`${f}/`));
const local = (test: (path: string) => boolean) => (imp: Import) => !imp.bare && test(imp.target);
const sdk = (imp: Import) => imp.bare && imp.spec.startsWith('@aws-sdk/');

function resolveTarget(root: string, fromFile: string, spec: string): string {
  const base = resolve(dirname(fromFile), spec.replace(/\.js$/, ''));
  const found = [`${base}.ts`, join(base, 'index.ts'), base].find((c) => existsSync(c)) ?? base;
  return posix(relative(root, found));
}

/** Every import of every .ts file under root/src and root/test. */
export function repoImports(root: string): Import[] {
  const out: Import[] = [];
  for (const folder of ['src', 'test']) {
    if (!existsSync(join(root, folder))) continue;
    for (const full of tsFiles(join(root, folder))) {
      const file = posix(relative(root, full));
      for (const spec of importSpecifiers(readFileSync(full, 'utf8'))) {
        const bare = !spec.startsWith('.');
        out.push({ file, spec, bare, target: bare ? spec : resolveTarget(root, full, spec) });
      }
    }
  }
  return out;
}

const ABOVE_AWS = ['providers', 'controllers', 'deploy', 'planner', 'main', 'status', 'server', 'sim'].map((f) => `src/${f}`);

export const LAYER_RULES: LayerRule[] = [
  {
    rule: 'only src/aws, src/sim, src/bench (and the sim\'s test clients) import @aws-sdk/*',
    governs: (f) => !under('src/aws', 'src/sim', 'src/bench')(f) && !/^test\/(support\/sim[^/]*\.ts|sim-[^/]*\.test\.ts)$/.test(f),
    forbids: sdk,
  },
  {
    rule: 'src/providers imports neither planner, controllers, deploy, main, status nor server',
    governs: under('src/providers'),
    forbids: local(under(...['planner', 'controllers', 'deploy', 'main', 'status', 'server'].map((f) => `src/${f}`))),
  },
  {
    rule: 'src/planner is pure: it imports no aws, providers, controllers, sim, main, server, deploy nor @aws-sdk/*',
    governs: under('src/planner'),
    forbids: (imp) => sdk(imp) || local(under(...['aws', 'providers', 'controllers', 'sim', 'main', 'server', 'deploy'].map((f) => `src/${f}`)))(imp),
  },
  {
    rule: 'src/model imports only src/model and src/util',
    governs: (f) => under('src/model')(f) && !isTest(f),
    forbids: (imp) => imp.bare || !under('src/model', 'src/util')(imp.target),
  },
  {
    rule: 'src/deploy/machines imports only xstate, src/model and its own folder',
    governs: (f) => under('src/deploy/machines')(f) && !isTest(f),
    forbids: (imp) => (imp.bare ? imp.spec !== 'xstate' : !under('src/model', 'src/deploy/machines')(imp.target)),
  },
  {
    rule: 'src/aws imports nothing above it (providers, controllers, deploy, planner, main, status, server, sim; its tests may use the sim)',
    governs: under('src/aws'),
    forbids: (imp) => local(under(...ABOVE_AWS))(imp) && !(isTest(imp.file) && under('src/sim')(imp.target)),
  },
  {
    rule: 'product code in src/ imports nothing from test/ (the build ships no test code)',
    governs: (f) => under('src')(f) && !isTest(f),
    forbids: local(under('test')),
  },
];

/** Every import some rule forbids, in file order. */
export function layerViolations(imports: Import[], rules: LayerRule[] = LAYER_RULES): Violation[] {
  const out: Violation[] = [];
  for (const imp of imports) {
    for (const r of rules) if (r.governs(imp.file) && r.forbids(imp)) out.push({ file: imp.file, spec: imp.spec, rule: r.rule });
  }
  return out;
}

export function describeViolation(v: Violation): string {
  return `${v.file} imports '${v.spec}': ${v.rule}`;
}
