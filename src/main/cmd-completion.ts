/**
 * `drover completion bash|zsh`: a shell completion script generated from the commander tree
 * (commands, subcommands, aliases, options and option choices), so it never drifts from the CLI.
 */
import { Command } from 'commander';
import { UsageError, writeOut } from './cli-support';

export interface CommandNode {
  /** Space-separated path below the program, '' for the program itself. */
  path: string;
  subcommands: string[];
  options: string[];
  /** Option flag -> the values it accepts. */
  choices: Array<[string, string[]]>;
}

/** Every command of the tree, depth first, the program first. */
export function commandTree(program: Command): CommandNode[] {
  const nodes: CommandNode[] = [];
  const visit = (cmd: Command, path: string) => {
    const subs = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    const options = cmd.options.filter((o) => !o.hidden);
    nodes.push({
      path,
      subcommands: subs.flatMap((c) => [c.name(), ...c.aliases()]),
      options: [...options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f)), '--help'],
      choices: options.filter((o) => o.argChoices?.length).flatMap((o) => [o.short, o.long].filter((f): f is string => !!f).map((f): [string, string[]] => [f, o.argChoices!])),
    });
    for (const c of subs) for (const name of [c.name(), ...c.aliases()]) visit(c, path ? `${path} ${name}` : name);
  };
  visit(program, '');
  return nodes;
}

function caseArms(nodes: CommandNode[], pick: (n: CommandNode) => string[]): string {
  return nodes
    .map((n) => ({ n, words: pick(n) }))
    .filter((x) => x.words.length)
    .map(({ n, words }) => `    "${n.path}") echo "${words.join(' ')}" ;;`)
    .join('\n');
}

function choiceArms(nodes: CommandNode[]): string {
  const arms = new Map<string, string[]>();
  for (const n of nodes) for (const [flag, values] of n.choices) arms.set(flag, values);
  return [...arms].map(([flag, values]) => `    ${flag}) echo "${values.join(' ')}" ;;`).join('\n');
}

/** Shell functions both scripts share: the tables and the walk that finds the command path. */
function sharedFunctions(name: string, nodes: CommandNode[]): string {
  return `_${name}_subcommands() {
  case "$1" in
${caseArms(nodes, (n) => n.subcommands)}
    *) echo "" ;;
  esac
}

_${name}_options() {
  case "$1" in
${caseArms(nodes, (n) => n.options)}
    *) echo "" ;;
  esac
}

_${name}_choices() {
  case "$1" in
${choiceArms(nodes)}
    *) return 1 ;;
  esac
}

# The command path of the words typed so far: words that name a subcommand of the path so far.
_${name}_path() {
  local key="" w subs
  for w in "$@"; do
    case "$w" in -*) continue ;; esac
    subs=" $(_${name}_subcommands "$key") "
    if [[ "$subs" == *" $w "* ]]; then key="\${key:+$key }$w"; fi
  done
  echo "$key"
}`;
}

export function bashCompletion(program: Command): string {
  const name = program.name();
  return `# bash completion for ${name}. Load it with:  source <(${name} completion bash)
${sharedFunctions(name, commandTree(program))}

_${name}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" key values
  if values="$(_${name}_choices "$prev")"; then
    COMPREPLY=( $(compgen -W "$values" -- "$cur") )
    return
  fi
  key="$(_${name}_path "\${COMP_WORDS[@]:1:COMP_CWORD-1}")"
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$(_${name}_options "$key") $(_${name}_options "")" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "$(_${name}_subcommands "$key")" -- "$cur") )
  fi
}
complete -F _${name} ${name}
`;
}

export function zshCompletion(program: Command): string {
  const name = program.name();
  return `#compdef ${name}
# zsh completion for ${name}. Load it with:  source <(${name} completion zsh)
${sharedFunctions(name, commandTree(program))}

_${name}() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}" key values
  if values="$(_${name}_choices "$prev")"; then
    compadd -- \${=values}
    return
  fi
  key="$(_${name}_path "\${(@)words[2,CURRENT-1]}")"
  if [[ "$cur" == -* ]]; then
    compadd -- \${=$(_${name}_options "$key")} \${=$(_${name}_options "")}
  else
    compadd -- \${=$(_${name}_subcommands "$key")}
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then _${name} "$@"; else compdef _${name} ${name}; fi
`;
}

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash or zsh)')
    .argument('<shell>', 'bash or zsh')
    .addHelpText(
      'after',
      `
Examples:
  $ source <(drover completion bash)              # this shell only
  $ drover completion bash > /etc/bash_completion.d/drover
  $ drover completion zsh > "\${fpath[1]}/_drover"`,
    )
    .action((shell: string, _flags: unknown, cmd: Command) => {
      const root = rootOf(cmd);
      if (shell === 'bash') return writeOut(bashCompletion(root));
      if (shell === 'zsh') return writeOut(zshCompletion(root));
      throw new UsageError(`completion: "${shell}" is not a supported shell (use bash or zsh)`);
    });
}
