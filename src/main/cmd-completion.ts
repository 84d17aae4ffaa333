/**
 * `drover completion bash|zsh|fish`: a shell completion script generated from the commander tree
 * (commands, subcommands, aliases, options and option choices), so it never drifts from the CLI;
 * fleet names come from the status records in the state directory, read by the shell itself.
 */
import { Command } from 'commander';
import { UsageError, writeOut } from './cli-support';
import { fishCompletion } from './completion-fish';
import { commandTree, type CommandNode } from './completion-tree';

export { commandTree, type CommandNode } from './completion-tree';

function caseArms(nodes: CommandNode[], pick: (n: CommandNode) => string[]): string {
  return nodes
    .map((n) => ({ n, words: pick(n) }))
    .filter((x) => x.words.length)
    .map(({ n, words }) => `    "${n.path}") echo "${words.join(' ')}" ;;`)
    .join('\n');
}

/** Keyed `PATH#FLAG`: the same flag may take other values under another command (-o). */
function choiceArms(nodes: CommandNode[]): string {
  return nodes.flatMap((n) => n.choices.map(([flag, values]) => `    "${n.path}#${flag}") echo "${values.join(' ')}" ;;`)).join('\n');
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

_${name}_fleet_arg() {
  case "$1" in
${nodes.filter((n) => n.fleetArg).map((n) => `    "${n.path}") return 0 ;;`).join('\n')}
    *) return 1 ;;
  esac
}

# Fleet names: the fleet records in the state directory (--state-dir, $DROVER_STATE_DIR or ./.drover).
_${name}_fleets() {
  local dir="\${DROVER_STATE_DIR:-.drover}" prev="" w f
  for w in "$@"; do
    [[ "$prev" == --state-dir ]] && dir="$w"
    case "$w" in --state-dir=*) dir="\${w#--state-dir=}" ;; esac
    prev="$w"
  done
  for f in $(command ls "$dir/state/fleets" 2>/dev/null); do
    case "$f" in *.json) echo "\${f%.json}" ;; esac
  done
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
  key="$(_${name}_path "\${COMP_WORDS[@]:1:COMP_CWORD-1}")"
  if values="$(_${name}_choices "$key#$prev")" || values="$(_${name}_choices "#$prev")"; then
    COMPREPLY=( $(compgen -W "$values" -- "$cur") )
    return
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$(_${name}_options "$key") $(_${name}_options "")" -- "$cur") )
  else
    values="$(_${name}_subcommands "$key")"
    if _${name}_fleet_arg "$key"; then values="$values $(_${name}_fleets "\${COMP_WORDS[@]}")"; fi
    COMPREPLY=( $(compgen -W "$values" -- "$cur") )
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
  key="$(_${name}_path "\${(@)words[2,CURRENT-1]}")"
  if values="$(_${name}_choices "$key#$prev")" || values="$(_${name}_choices "#$prev")"; then
    compadd -- \${=values}
    return
  fi
  if [[ "$cur" == -* ]]; then
    compadd -- \${=$(_${name}_options "$key")} \${=$(_${name}_options "")}
  else
    values="$(_${name}_subcommands "$key")"
    if _${name}_fleet_arg "$key"; then values="$values $(_${name}_fleets "\${(@)words}")"; fi
    compadd -- \${=values}
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
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `
Examples:
  $ source <(drover completion bash)              # this shell only
  $ drover completion bash > /etc/bash_completion.d/drover
  $ drover completion zsh > "\${fpath[1]}/_drover"
  $ drover completion fish > ~/.config/fish/completions/drover.fish

Fleet names complete from the status records in the state directory (--state-dir typed on the
line, else $DROVER_STATE_DIR, else ./.drover).`,
    )
    .action((shell: string, _flags: unknown, cmd: Command) => {
      const root = rootOf(cmd);
      if (shell === 'bash') return writeOut(bashCompletion(root));
      if (shell === 'zsh') return writeOut(zshCompletion(root));
      if (shell === 'fish') return writeOut(fishCompletion(root));
      throw new UsageError(`completion: "${shell}" is not a supported shell (use bash, zsh or fish)`);
    });
}
