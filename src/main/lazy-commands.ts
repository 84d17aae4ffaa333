/**
 * Start-up stays cheap: each top-level command's module (and whatever it imports: the AWS SDK,
 * xstate, ajv…) is loaded only when that command runs. `drover --help` lists every command from
 * its cheap entry (name, help term, description) without loading any of them; a test keeps those
 * entries equal to what the modules register.
 */
import { Command, Help } from 'commander';

export type Register = (program: Command) => void;

export interface CommandEntry {
  /** The top-level command name as typed (`get`, `iam-policy`). */
  name: string;
  /** How `drover --help` shows it in the command list, e.g. `validate <file...>`, `plan [options]`. */
  term: string;
  description: string;
  /** Loads the module that registers this command (it may register its siblings too). */
  load: () => Promise<Register>;
  /** The command needs every command registered (shell completion walks the whole tree). */
  needsAll?: boolean;
}

/** Global options that take a value: their value is not the command name. */
const VALUE_OPTIONS = new Set(['--state-dir', '--state', '--log-level', '--log-format']);

/** The command name in `argv` (after `node drover`): `help get` → `get`; none → undefined. */
export function invokedCommand(argv: string[]): string | undefined {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return args[i + 1];
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return a === 'help' ? invokedCommand(['', '', ...args.slice(i + 1)]) : a;
  }
  return undefined;
}

/**
 * Registers the invoked command's module for real (every module with `all`, for a name not in
 * the table, or when the command needs the whole tree), and a stub for every other command so help and
 * "did you mean" still know them.
 */
export async function registerCommands(program: Command, entries: CommandEntry[], invoked: string | undefined, all = false): Promise<void> {
  const wanted = entries.find((e) => e.name === invoked);
  // An unknown name (a typo, an alias) loads everything, so commander answers it as before.
  const loadAll = all || (invoked !== undefined && !wanted) || wanted?.needsAll === true;
  const loaded = new Set<Register>();
  for (const e of entries) {
    if (loadAll || e === wanted) {
      const register = await e.load();
      if (!loaded.has(register)) register(program);
      loaded.add(register);
    }
  }
  const registered = new Set(program.commands.map((c) => c.name()));
  const stubTerms = new Map<Command, string>();
  for (const e of entries) {
    if (registered.has(e.name)) continue;
    const stub = new Command(e.name).description(e.description);
    stubTerms.set(stub, e.term);
    program.addCommand(stub);
  }
  if (stubTerms.size === 0) return;
  const defaultTerm = Help.prototype.subcommandTerm;
  program.configureHelp({ subcommandTerm: (cmd) => stubTerms.get(cmd) ?? defaultTerm.call(new Help(), cmd) });
  reorder(program, entries);
}

/** Help lists commands in the table's order, whichever were loaded for real. */
function reorder(program: Command, entries: CommandEntry[]): void {
  const rank = new Map(entries.map((e, i) => [e.name, i]));
  const commands = program.commands as Command[];
  commands.sort((a, b) => (rank.get(a.name()) ?? entries.length) - (rank.get(b.name()) ?? entries.length));
}
