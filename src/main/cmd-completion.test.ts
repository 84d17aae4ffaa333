import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { buildProgram } from './cli';
import { bashCompletion, commandTree, zshCompletion } from './cmd-completion';

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
    expect(complete(bash, ['get', 'fleets', '--st'])).toEqual(['--state-dir']);
  });

  it('is valid bash, and the zsh script carries the same tables', () => {
    expect(() => execFileSync('bash', ['-n'], { input: bash })).not.toThrow();
    const zsh = zshCompletion(program);
    expect(zsh.startsWith('#compdef drover\n')).toBe(true);
    expect(zsh).toContain('"get fleets") echo "-o --output');
    expect(zsh).toContain('compdef _drover drover');
  });
});
