/**
 * `drover completion fish`: the same tables as the bash and zsh scripts, as fish functions.
 * Command paths are keyed with a leading `:` (`:` is the program, `:get fleets` a subcommand).
 */
import type { Command } from 'commander';
import { commandTree, type CommandNode } from './completion-tree';

/** A fish single-quoted word. */
function q(word: string): string {
  return `'${word.replace(/[\\']/g, '\\$&')}'`;
}

function switchArms(nodes: CommandNode[], pick: (n: CommandNode) => string[]): string {
  return nodes
    .map((n) => ({ n, words: pick(n) }))
    .filter((x) => x.words.length)
    .map(({ n, words }) => `        case ${q(`:${n.path}`)}\n            printf '%s\\n' ${words.map(q).join(' ')}`)
    .join('\n');
}

/** Keyed `:PATH#FLAG`: the same flag may take other values under another command (-o). */
function choiceArms(nodes: CommandNode[]): string {
  return nodes
    .flatMap((n) => n.choices.map(([flag, values]) => `        case ${q(`:${n.path}#${flag}`)}\n            printf '%s\\n' ${values.map(q).join(' ')}`))
    .join('\n');
}

export function fishCompletion(program: Command): string {
  const name = program.name();
  const nodes = commandTree(program);
  const fleetPaths = nodes.filter((n) => n.fleetArg).map((n) => q(`:${n.path}`));
  return `# fish completion for ${name}. Load it with:  ${name} completion fish | source
function __${name}_subcommands
    switch $argv[1]
${switchArms(nodes, (n) => n.subcommands)}
    end
end

function __${name}_options
    switch $argv[1]
${switchArms(nodes, (n) => n.options)}
    end
end

function __${name}_choices
    switch $argv[1]
${choiceArms(nodes)}
        case '*'
            return 1
    end
end

# Fleet names: the status records in the state directory (--state-dir, $DROVER_STATE_DIR or ./.drover).
function __${name}_fleets
    set -l dir .drover
    set -q DROVER_STATE_DIR; and set dir $DROVER_STATE_DIR
    set -l prev ''
    for w in $argv
        test "$prev" = --state-dir; and set dir $w
        string match -q -- '--state-dir=*' $w; and set dir (string replace -- '--state-dir=' '' $w)
        set prev $w
    end
    for f in $dir/state/fleets/*.json
        string replace -r '\\.json$' '' -- (basename $f)
    end
end

# The command path of the words typed so far, keyed ':get fleets'.
function __${name}_path
    set -l key ':'
    for w in $argv
        string match -q -- '-*' $w; and continue
        if contains -- $w (__${name}_subcommands $key)
            test $key = ':'; and set key ":$w"; or set key "$key $w"
        end
    end
    echo $key
end

function __${name}_candidates
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l key (__${name}_path $words[2..-1])
    if __${name}_choices "$key#$words[-1]"; or __${name}_choices ":#$words[-1]"
        return
    end
    if string match -q -- '-*' $cur
        __${name}_options $key
        __${name}_options ':'
        return
    end
    __${name}_subcommands $key
    if contains -- $key ${fleetPaths.join(' ')}
        __${name}_fleets $words
    end
end

complete -c ${name} -f -a '(__${name}_candidates)'
`;
}
