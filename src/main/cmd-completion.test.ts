import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from './cli';
import { bashCompletion, commandTree, zshCompletion } from './cmd-completion';
import { fishCompletion } from './completion-fish';

const HAS_FISH = spawnSync('fish', ['--version']).status === 0;

/** Source the script in a real fish, then ask it to complete `line`. */
function completeFish(file: string, line: string, env: Record<string, string> = {}): string[] {
  const out = execFileSync('fish', ['-c', `source ${file}; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8', env: { ...process.env, ...env } });
  return out.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
}

/** A state directory holding status records for two fleets (only the file names matter). */
function stateWithFleets(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-completion-'));
  fs.mkdirSync(path.join(dir, 'state', 'fleets'), { recursive: true });
  for (const f of ['magento-marketplace', 'admin']) fs.writeFileSync(path.join(dir, 'state', 'fleets', `${f}.json`), '{}');
  fs.writeFileSync(path.join(dir, 'state', 'fleets', 'notes.txt'), '');
  return dir;
}

/** Source the script in a real bash, then ask it to complete `words` (the last one is being typed). */
function complete(script: string, words: string[]): string[] {
  const line = ['drover', ...words].map((w) => `'${w}'`).join(' ');
  const body = `${script}\nCOMP_WORDS=(${line}); COMP_CWORD=${words.length}; _drover; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', body], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('drover completion', () => {
  let program: Command;
  let bash: string;
  beforeAll(async () => {
    program = await buildProgram();
    bash = bashCompletion(program);
  });

  it('knows every command of the program tree, subcommands and options included', () => {
    const nodes = commandTree(program);
    const root = nodes.find((n) => n.path === '')!;
    expect(root.subcommands).toEqual(expect.arrayContaining(program.commands.map((c) => c.name())));
    expect(nodes.find((n) => n.path === 'get fleets')!.options).toEqual(expect.arrayContaining(['-o', '--output', '--watch', '--no-headers', '--server', '--live']));
    for (const c of program.commands) expect(bash).toContain(c.name());
  });

  it('completes top-level commands, subcommands, options and option values in bash', () => {
    expect(complete(bash, [''])).toEqual(expect.arrayContaining(program.commands.map((c) => c.name())));
    expect(complete(bash, ['get', ''])).toEqual(expect.arrayContaining(['fleets', 'instances', 'deployments']));
    expect(complete(bash, ['--sim', 'get', 'fl'])).toEqual(['fleets', 'fleet']);
    expect(complete(bash, ['describe', 'fleet', 'magento', '--w'])).toEqual(['--watch']);
    expect(complete(bash, ['--log-level', ''])).toEqual(['debug', 'info', 'warn', 'error']);
    expect(complete(bash, ['get', 'fleets', '--st'])).toEqual(['--state-dir', '--state']);
  });

  it('is valid bash, and the zsh script carries the same tables', () => {
    expect(() => execFileSync('bash', ['-n'], { input: bash })).not.toThrow();
    const zsh = zshCompletion(program);
    expect(zsh.startsWith('#compdef drover\n')).toBe(true);
    expect(zsh).toContain('"get fleets") echo "-o --output');
    expect(zsh).toContain('compdef _drover drover');
  });

  it('completes fleet names from the state directory where a fleet is expected, in bash', () => {
    const dir = stateWithFleets();
    try {
      expect(complete(bash, ['--state-dir', dir, 'describe', 'fleet', ''])).toEqual(['admin', 'magento-marketplace']);
      expect(complete(bash, ['rollout', 'status', `--state-dir=${dir}`, 'ma'])).toEqual(['magento-marketplace']);
      expect(complete(bash, ['--state-dir', dir, 'get', ''])).not.toContain('admin');
      expect(complete(bash, ['--state-dir', dir, 'validate', ''])).toEqual([]);
      const viaEnv = execFileSync('bash', ['-c', `${bash}\nCOMP_WORDS=(drover delete fleet ''); COMP_CWORD=3; _drover; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8', env: { ...process.env, DROVER_STATE_DIR: dir } });
      expect(viaEnv.split('\n').filter(Boolean)).toEqual(['admin', 'magento-marketplace']);
      expect(complete(bash, ['--state-dir', path.join(dir, 'none'), 'bake', ''])).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints a fish script from the same tables', () => {
    const fish = fishCompletion(program);
    expect(fish).toContain("complete -c drover -f -a '(__drover_candidates)'");
    expect(fish).toMatch(/case ':get fleets'\n\s+printf '%s\\n' [^\n]*'-l' '--selector'/);
    expect(fish).toMatch(/contains -- \$key .*':describe fleet'.*':delete fleet'/);
  });

  (HAS_FISH ? it : it.skip)('completes commands, options, values and fleet names in a real fish', () => {
    const dir = stateWithFleets();
    const fish = path.join(dir, 'drover.fish');
    fs.writeFileSync(fish, fishCompletion(program));
    expect(() => execFileSync('fish', ['-n', fish])).not.toThrow();
    expect(completeFish(fish, 'drover get ')).toEqual(expect.arrayContaining(['fleets', 'instances', 'deployments']));
    expect(completeFish(fish, 'drover get fleets --wa')).toEqual(['--watch']);
    expect(completeFish(fish, 'drover --log-level ')).toEqual(['debug', 'error', 'info', 'warn']);
    try {
      expect(completeFish(fish, `drover --state-dir ${dir} describe fleet `)).toEqual(['admin', 'magento-marketplace']);
      expect(completeFish(fish, 'drover rollout history ma', { DROVER_STATE_DIR: dir })).toEqual(['magento-marketplace']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
