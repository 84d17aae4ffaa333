#!/usr/bin/env node
/**
 * Moves TypeScript modules and rewrites every relative import that points at them (and every
 * relative import inside them). Used once for the issue-12 reshape; kept because the next
 * reshape will want it too.  Usage: node scripts/move-modules.js MAPFILE   (lines "old new")
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const moves = new Map();
for (const line of lines) {
  const [from, to] = line.split(/\s+/);
  moves.set(path.resolve(root, from), path.resolve(root, to));
}

function walk(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ts|js)$/.test(e.name)) out.push(p);
  }
  return out;
}
const files = ['src', 'test', 'scripts', 'bin'].filter((d) => fs.existsSync(path.join(root, d))).flatMap((d) => walk(path.join(root, d), []));

function resolveSpec(fromDir, spec) {
  const base = path.resolve(fromDir, spec);
  for (const c of [base + '.ts', base + '.js', path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return undefined;
}
const target = (p) => moves.get(p) ?? p;

const RE = /((?:from|import|require|jest\.(?:mock|requireActual|doMock|unmock))\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*)\2/g;
const rewritten = new Map();
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const newFile = target(file);
  let changed = false;
  const out = text.replace(RE, (m, pre, q, spec) => {
    const resolved = resolveSpec(path.dirname(file), spec);
    if (!resolved) return m;
    const dest = target(resolved);
    let rel = path.relative(path.dirname(newFile), dest);
    if (/\.ts$/.test(dest)) {
      rel = rel.replace(/\.ts$/, '');
      if (path.basename(dest) === 'index.ts' && !/index$/.test(spec)) rel = path.dirname(rel) === '.' && rel === 'index' ? '.' : rel.replace(/\/index$/, '');
    } else if (/\.js$/.test(dest) && !/\.js$/.test(spec)) rel = rel.replace(/\.js$/, '');
    if (!rel.startsWith('.')) rel = './' + rel;
    if (rel !== spec) changed = true;
    return pre + q + rel + q;
  });
  if (changed || newFile !== file) rewritten.set(file, out);
}
for (const [file, text] of rewritten) fs.writeFileSync(file, text);
for (const [from, to] of moves) {
  if (!fs.existsSync(from)) { console.error(`missing: ${path.relative(root, from)}`); process.exitCode = 1; continue; }
  fs.mkdirSync(path.dirname(to), { recursive: true });
  execFileSync('git', ['mv', from, to], { cwd: root });
}
console.log(`moved ${moves.size} files, rewrote imports in ${rewritten.size}`);
