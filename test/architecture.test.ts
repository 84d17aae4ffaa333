/**
 * Rules of the tree that a machine can check (issue 12): no file in src/ over 300 lines and
 * no import cycle in src/. Today's offenders are listed below, so the lists can only shrink:
 * a new offender fails, and an entry that no longer offends fails too until it is removed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative } from 'path';
import { importCycles, importGraph, importSpecifiers, lineCount, tsFiles } from './support/import-graph';
import { describeViolation, LAYER_RULES, layerViolations, repoImports } from './support/layers';

const ROOT = join(__dirname, '..');
const SRC = join(ROOT, 'src');
const MAX_LINES = 300;

/** Files allowed over MAX_LINES until they are split. Remove an entry once its file is split. */
const OVERSIZED_ALLOWED: string[] = [];

/** Import cycles allowed until they are broken (issue 12 names both). Each is a sorted group of files. */
const CYCLES_ALLOWED: string[][] = [];

describe('architecture', () => {
  it(`keeps every src/**/*.ts file at ${MAX_LINES} lines or fewer, except the allow-list`, () => {
    const sizes = tsFiles(SRC).map((f) => ({ file: relative(SRC, f), lines: lineCount(readFileSync(f, 'utf8')) }));
    const oversized = sizes.filter((s) => s.lines > MAX_LINES);
    console.log(`architecture: files over ${MAX_LINES} lines allowed for now: ${OVERSIZED_ALLOWED.join(', ') || 'none'}; ` +
      `over today: ${oversized.map((s) => `${s.file} (${s.lines})`).join(', ') || 'none'}`);
    expect(oversized.map((s) => s.file).filter((f) => !OVERSIZED_ALLOWED.includes(f))).toEqual([]);
    // The list only shrinks: an allowed file that is now small enough must leave the list.
    expect(OVERSIZED_ALLOWED.filter((f) => !oversized.some((s) => s.file === f))).toEqual([]);
  });

  it('has no import cycle in src/ beyond the allow-list', () => {
    const cycles = importCycles(importGraph(SRC));
    console.log(`architecture: import cycles allowed for now: ${CYCLES_ALLOWED.map((c) => c.join(' <-> ')).join('; ') || 'none'}; ` +
      `found: ${cycles.map((c) => c.join(' <-> ')).join('; ') || 'none'}`);
    const allowed = (c: string[]) => CYCLES_ALLOWED.some((a) => c.every((f) => a.includes(f)));
    expect(cycles.filter((c) => !allowed(c))).toEqual([]);
    expect(CYCLES_ALLOWED.filter((a) => !cycles.some((c) => a.every((f) => c.includes(f))))).toEqual([]);
  });
});

describe('import cycle finder', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'drover-arch-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (files: Record<string, string>) => { for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text); };

  it('finds a ring through type-only imports, re-exports and require, and nothing in a chain', () => {
    write({
      'a.ts': "import type { B } from './b';\nexport type A = B;\n",
      'b.ts': "export * from './c';\nexport type B = string;\n",
      'c.ts': "const a = require('./a');\nexport const c = a;\n",
      'd.ts': "import { c } from './c';\n// import { e } from './e';\nexport const d = c;\n",
      'e.ts': "import { d } from './d';\nexport const e = d;\n",
    });
    expect(importCycles(importGraph(dir))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('reads specifiers from import, export-from, side-effect and dynamic imports', () => {
    const text = "import x from './x';\nimport { y,\n  z } from \"./y\";\nexport { w } from './w';\nimport './side';\nconst m = await import('./dyn');\n/* import { no } from './comment'; */";
    expect(importSpecifiers(text).sort()).toEqual(['./dyn', './side', './w', './x', './y']);
  });

  it('counts lines as an editor does', () => {
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\nb')).toBe(2);
    expect(lineCount('')).toBe(0);
  });
});

describe('layers (issue 12; the same rules as eslint.config.mjs, enforced in npm test)', () => {
  it('has no import that a layer rule forbids', () => {
    // One message per violation: the file, the import and the rule it breaks.
    expect(layerViolations(repoImports(ROOT)).map(describeViolation)).toEqual([]);
  });
});

describe('layer checker', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'drover-layers-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes each file as one import per specifier; built by join so this file itself imports none of them. */
  const write = (files: Record<string, string[]>) => {
    for (const [name, specs] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), specs.map((spec, i) => ['import * as m', i, ' from ', JSON.stringify(spec), ';\n'].join('')).join(''));
    }
  };
  const ruleOf = (start: string) => {
    const r = LAYER_RULES.find((l) => l.rule.startsWith(start));
    if (!r) throw new Error(`no layer rule starts with ${start}`);
    return r.rule;
  };

  /** Each rule, a file that breaks it, and the import that does. The rest of the tree is clean. */
  const planted: [rule: string, file: string, spec: string][] = [
    ['only src/aws', 'src/controllers/fleet/x.ts', '@aws-sdk/client-ec2'],
    ['src/providers', 'src/providers/storage/x.ts', '../../planner/scaling'],
    ['src/planner', 'src/planner/x.ts', '../aws/port'],
    ['src/model', 'src/model/x.ts', 'fs'],
    ['src/deploy/machines', 'src/deploy/machines/x.ts', '../actors/act'],
    ['src/aws', 'src/aws/x.ts', '../sim'],
    ['product code', 'src/status/x.ts', '../../test/support/example'],
  ];
  const clean: Record<string, string[]> = {
    'src/aws/port.ts': ['@aws-sdk/client-ec2', '../model/plan'],
    'src/aws/port.test.ts': ['../sim'],
    'src/sim/index.ts': ['@aws-sdk/client-ec2'],
    'src/model/plan.ts': ['../util/errors'],
    'src/model/plan.test.ts': ['fs', '../../test/support/example'],
    'src/util/errors.ts': [],
    'src/planner/scaling.ts': ['../model/plan'],
    'src/providers/storage/apply.ts': ['../../aws/port', '../../model/plan'],
    'src/deploy/machines/swap.ts': ['xstate', '../../model/plan', './step-kit'],
    'src/deploy/machines/step-kit.ts': [],
    'src/deploy/actors/act.ts': ['../machines/swap', '../../providers/storage/apply'],
    'src/status/view.ts': ['../model/plan'],
    'test/support/sim.ts': ['@aws-sdk/client-ec2'],
    'test/support/example.ts': ['../../src/model/plan'],
  };

  it('finds nothing in a tree that keeps every rule', () => {
    write(clean);
    expect(layerViolations(repoImports(dir))).toEqual([]);
  });

  it.each(planted)('catches a planted break of the rule starting "%s" and names file, import and rule', (start, file, spec) => {
    write({ ...clean, [file]: [spec] });
    const found = layerViolations(repoImports(dir));
    expect(found).toEqual([{ file, spec, rule: ruleOf(start) }]);
    expect(describeViolation(found[0])).toBe(`${file} imports '${spec}': ${ruleOf(start)}`);
  });

  it('has one planted break for every rule', () => {
    expect(planted.map(([start]) => ruleOf(start)).sort()).toEqual(LAYER_RULES.map((r) => r.rule).sort());
  });
});
