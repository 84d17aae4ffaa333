import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('AWS commands go through the port', () => {
  // The port's methods are exactly COMMANDS (port.test.ts), so a command sent through it is listed.
  it('no file outside src/aws, src/sim and src/bench builds an SDK command or sends one itself', () => {
    const src = join(__dirname, '..');
    const dirs = readdirSync(src).filter((d) => statSync(join(src, d)).isDirectory() && !['aws', 'sim', 'bench'].includes(d));
    const files = dirs.flatMap((d) => sources(join(src, d)));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.filter((file) => /new \w+Command\(|\.send\(\s*new\b/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
