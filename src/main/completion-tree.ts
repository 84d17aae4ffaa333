/** The commander tree as plain data, for the completion scripts. */
import type { Command } from 'commander';

export interface CommandNode {
  /** Space-separated path below the program, '' for the program itself. */
  path: string;
  subcommands: string[];
  options: string[];
  /** Option flag -> the values it accepts. */
  choices: Array<[string, string[]]>;
  /** The command's first argument is a fleet name (completed from the state directory). */
  fleetArg: boolean;
}

/** The values the shell completes for an option: its choices, or those an option checking them itself carries (outputOption in cli-support.ts). */
function valuesOf(o: Command['options'][number]): string[] | undefined {
  return o.argChoices?.length ? o.argChoices : (o as unknown as { completionValues?: string[] }).completionValues;
}

/** Argument names that hold a fleet name: `<fleet>`, `[fleet]`, and `[name]` under fleet commands. */
function takesFleet(cmd: Command): boolean {
  const first = cmd.registeredArguments[0]?.name();
  return first === 'fleet' || (first === 'name' && /^fleets?$/.test(cmd.name()));
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
      fleetArg: takesFleet(cmd),
      choices: options.filter((o) => valuesOf(o)?.length).flatMap((o) => [o.short, o.long].filter((f): f is string => !!f).map((f): [string, string[]] => [f, valuesOf(o)!])),
    });
    for (const c of subs) for (const name of [c.name(), ...c.aliases()]) visit(c, path ? `${path} ${name}` : name);
  };
  visit(program, '');
  return nodes;
}
