import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { allCommands } from './commands';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('the AWS layer sends only listed commands', () => {
  it('every `new XCommand(` under src/aws, src/providers, src/deploy and src/controllers is in COMMANDS', () => {
    const listed = new Set(allCommands().map((c) => c.operation));
    const used = new Set<string>();
    const src = join(__dirname, '..');
    for (const file of ['aws', 'providers', 'deploy', 'controllers'].flatMap((d) => sources(join(src, d)))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/new (\w+)Command\(/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((op) => !listed.has(op))).toEqual([]);
  });
});
