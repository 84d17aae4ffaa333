/**
 * The read side of the CLI, kubectl style: `get fleets|instances|deployments`, `describe
 * fleet`, `events`. Every command takes `-o table|wide|json|yaml`, `--no-headers`, `--watch`,
 * `--server`, `--live` and `-l` (a label selector). Exit codes: 0 ok, 1 not found (or nothing to observe), 2 usage.
 */
import { Command } from 'commander';
import { FLEET_STATUS_API_VERSION, toFleetStatusList, type FleetStatusList } from '../model/fleet-status';
import {
  renderDeploymentsTable, renderDescribeFleet, renderEventsTable, renderFleetsTable, renderInstancesTable, shouldColor, type TableOptions,
} from '../status';
import { sortEvents } from '../status/events-table';
import { matchesSelector, parseSelector, type Requirement } from '../status/label-selector';
import { fleetDeployments, selectFleets } from '../status/select';
import { createStatusSource, type StatusSource } from '../status/status-source';
import { DroverError } from '../util/errors';
import {
  commandContext, fleetNotFound, outputOption, parseDurationFlag, parseOutputFlag, parseSelectorFlag, UsageError, type CommandContext,
} from './cli-support';
import { runWatchLoop, withInterrupt } from './watch-loop';
import { openCliState, sharedState } from './cli-state';

const OUTPUTS = ['table', 'wide', 'json', 'yaml'];
/** `get` also takes `-o name`: one `kind/NAME` per line, as kubectl prints for scripts. */
const GET_OUTPUTS = [...OUTPUTS, 'name'];

interface ReadFlags {
  output?: string;
  headers?: boolean;
  watch?: boolean;
  interval: string;
  server?: string;
  live?: boolean;
  selector?: string;
  showLabels?: boolean;
  labelColumns?: string[];
}

/** How one command shows a FleetStatusList: as text, and as data for json/yaml. */
interface View {
  text(list: FleetStatusList, fleet: string | undefined, opts: TableOptions): string;
  data(list: FleetStatusList, fleet: string | undefined): unknown;
  /** `-o name`: `kind/NAME` of each row (only the views that have it take -o name). */
  names?(list: FleetStatusList, fleet: string | undefined): string[];
}

class NotFound extends Error {}

function listOf(kind: string, items: unknown[]): unknown {
  return { apiVersion: FLEET_STATUS_API_VERSION, kind, items };
}

const VIEWS: Record<'fleets' | 'instances' | 'deployments' | 'events' | 'describe', View> = {
  fleets: {
    text: (list, fleet, o) => renderFleetsTable(list, o, fleet),
    data: (list, fleet) => toFleetStatusList(selectFleets(list, fleet)),
    names: (list, fleet) => selectFleets(list, fleet).map((f) => `fleet/${f.name}`),
  },
  instances: {
    text: (list, fleet, o) => renderInstancesTable(list, fleet, o),
    data: (list, fleet) => listOf('InstanceList', selectFleets(list, fleet).flatMap((f) => f.observed.instances.map((i) => ({ fleet: f.name, ...i })))),
    names: (list, fleet) => selectFleets(list, fleet).flatMap((f) => f.observed.instances.map((i) => `instance/${i.id}`)),
  },
  deployments: {
    text: (list, fleet, o) => renderDeploymentsTable(list, fleet, o),
    data: (list, fleet) => listOf('DeploymentList', selectFleets(list, fleet).flatMap((f) => fleetDeployments(f).map((d) => ({ fleet: f.name, ...d })))),
    names: (list, fleet) => selectFleets(list, fleet).flatMap((f) => fleetDeployments(f).map((d) => `deployment/${d.id}`)),
  },
  events: {
    text: (list, fleet, o) => renderEventsTable(list, fleet, o),
    data: (list, fleet) => listOf('EventList', sortEvents(selectFleets(list, fleet).flatMap((f) => f.events))),
  },
  describe: {
    // With -l and no name: every selected fleet, one after the other (kubectl describe -l).
    text: (list, fleet, o) => selectFleets(list, fleet).map((f) => renderDescribeFleet(f, { now: o.now, color: o.color })).join('\n') || 'No fleets found.\n',
    data: (list, fleet) => (fleet === undefined ? toFleetStatusList(selectFleets(list)) : selectFleets(list, fleet)[0]),
  },
};

/** Ages are measured to now, or to the newest write when that is later (the simulated clock runs ahead). */
export function renderNow(list: FleetStatusList, realNowMs: number): Date {
  const written = list.items.map((f) => Date.parse(f.updatedAt)).filter((t) => !Number.isNaN(t));
  return new Date(Math.max(realNowMs, ...written));
}

async function render(view: View, list: FleetStatusList, fleet: string | undefined, output: string, flags: ReadFlags): Promise<string> {
  if (fleet !== undefined && !list.items.some((f) => f.name === fleet)) throw new NotFound(fleetNotFound(fleet, list.items.map((f) => f.name)));
  const data = () => view.data(list, fleet);
  if (output === 'json') return `${JSON.stringify(data(), null, 2)}\n`;
  // yaml (like the SDK behind --live) is loaded only when asked for: status commands start fast.
  if (output === 'yaml') return (await import('yaml')).stringify(data(), { lineWidth: 0 });
  if (output === 'name') return view.names!(list, fleet).map((n) => `${n}\n`).join('');
  const opts: TableOptions = {
    wide: output === 'wide', noHeaders: flags.headers === false, showLabels: flags.showLabels === true, labelColumns: flags.labelColumns,
    now: renderNow(list, Date.now()), color: shouldColor(process.stdout, process.env),
  };
  return view.text(list, fleet, opts);
}

export function statusSource(ctx: CommandContext, flags: { server?: string; live?: boolean }): StatusSource {
  const server = flags.server ?? process.env.DROVER_SERVER;
  if (flags.live && flags.server) throw new UsageError('--live and --server cannot be used together');
  const opened = sharedState(ctx) ? openCliState(ctx) : undefined;
  const state = opened ? { state: opened.store, owners: async (fleets: string[]) => {
    const { ownersOfFleets } = await import('../state/owners');
    const read = await opened.shardOwners(Date.now());
    return read ? ownersOfFleets(read, fleets) : undefined;
  } } : {};
  return createStatusSource({
    stateDir: ctx.stateDir,
    ...state,
    ...(server && !flags.live ? { server } : {}),
    ...(flags.live ? { live: async () => (await import('./live-status')).observeLiveStatus(ctx) } : {}),
    notice: (line) => process.stderr.write(`${line}\n`),
  });
}

async function runRead(cmd: Command, view: View, fleet: string | undefined, flags: ReadFlags): Promise<void> {
  const output = parseOutputFlag(flags.output, view.names ? GET_OUTPUTS : OUTPUTS);
  for (const key of flags.labelColumns ?? []) checkLabelKey(key);
  const intervalSeconds = parseDurationFlag('--interval', flags.interval);
  if (flags.watch && intervalSeconds < 1) throw new UsageError(`--interval: "${flags.interval}" is too short (at least 1s)`);
  const selector = parseSelectorFlag(flags.selector);
  if (selector && fleet !== undefined) throw new UsageError(`a fleet name ("${fleet}") and -l cannot be used together`);
  const ctx = commandContext(cmd);
  const source = statusSource(ctx, flags);
  const frame = async () => render(view, selected((await source.read()).list, selector), fleet, output, flags);
  try {
    const first = await frame();
    if (!flags.watch) {
      process.stdout.write(first);
      return;
    }
    const tty = process.stdout.isTTY === true;
    await withInterrupt((signal) =>
      runWatchLoop({ frame, write: (t) => process.stdout.write(t), tty, intervalMs: intervalSeconds * 1000, signal }),
    );
    process.exitCode = 0;
  } catch (err) {
    if (!(err instanceof NotFound) && !(err instanceof DroverError)) throw err;
    process.stderr.write(`Error: ${err.message}\n`);
    process.exitCode = 1;
  }
}

/** `-L key`: a label key (what `-l key` would test for), else a usage error. */
function checkLabelKey(key: string): void {
  let reqs: Requirement[] = [];
  try {
    reqs = parseSelector(key);
  } catch {
    // reported below
  }
  if (reqs.length !== 1 || reqs[0].op !== 'exists') throw new UsageError(`-L: "${key}" is not a label key (letters, digits, '.', '_', '/', '-'; several: -L team,tier)`);
}

/** Only the fleets whose labels match `-l` (all of them without it). */
export function selected(list: FleetStatusList, selector: Requirement[] | undefined): FleetStatusList {
  return selector ? { ...list, items: list.items.filter((f) => matchesSelector(f.spec.labels, selector)) } : list;
}

function addReadOptions(cmd: Command, examples: string, outputs = OUTPUTS): Command {
  return cmd
    .addOption(outputOption(outputs, `output format: ${outputs.join(', ')}`))
    .option('-l, --selector <selector>', 'only fleets whose labels match, e.g. team=shop,tier!=internal (=, ==, !=, key, !key; commas mean AND)')
    .option('--no-headers', 'tables without the header line')
    .option('-w, --watch', 'keep watching and redraw on change (Ctrl-C to stop)')
    .option('--interval <duration>', 'how often --watch polls', '2s')
    .option('--server <url>', 'read from the drover daemon at this URL (default $DROVER_SERVER); falls back to the state directory')
    .option('--live', 'observe AWS (or the simulated account, with --sim) now instead of reading the last written status')
    .addHelpText(
      'after',
      `
Status comes from the daemon (--server or $DROVER_SERVER) when one answers, else from the state directory.

Exit codes: 0 ok, 1 fleet not found, 2 bad flags.

Examples:
${examples}`,
    );
}

function registerGet(program: Command): void {
  const get = program.command('get').description('list fleets, instances or deployments');
  const sub = (name: string, alias: string, arg: string, description: string, view: View, examples: string) =>
    addReadOptions(get.command(name).alias(alias).description(description).argument(arg), examples, GET_OUTPUTS).action(
      (fleet: string | undefined, flags: ReadFlags, cmd: Command) => runRead(cmd, view, fleet, flags),
    );
  sub('fleets', 'fleet', '[name]', 'one line per fleet: AMI, commit, READY in-service/desired, phase', VIEWS.fleets,
    `  $ drover get fleets
  $ drover get fleets -l team=shop --show-labels
  $ drover get fleets magento-marketplace -o wide
  $ drover get fleets -o json | jq '.items[].phase'
  $ drover get fleets -L team,tier
  $ drover get fleets -l team=shop -o name
  $ drover get fleets --watch --server http://127.0.0.1:7390`)
    .option('--show-labels', 'add a LABELS column (-o wide has it too)')
    .option('-L, --label-columns <keys>', 'a column for each of these labels (comma-separated, may be repeated)', (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((k) => k.trim())]);
  sub('instances', 'instance', '[fleet]', "every instance of the fleet's groups: EC2 state, ELB health, lifecycle", VIEWS.instances,
    `  $ drover get instances magento-marketplace
  $ drover get instances --live --sim --no-headers`);
  sub('deployments', 'deployment', '[fleet]', 'the current deployment and the history, newest first', VIEWS.deployments,
    `  $ drover get deployments magento-marketplace
  $ drover get deployments -o yaml`);
}

export function registerGetCommands(program: Command): void {
  registerGet(program);
  const describe = program.command('describe').description('show everything about one fleet');
  addReadOptions(
    describe.command('fleet').alias('fleets').description('spec, resources, conditions, the deployment and recent events of a fleet').argument('[name]'),
    `  $ drover describe fleet magento-marketplace
  $ drover describe fleet -l team=shop
  $ drover describe fleet magento-marketplace -o json | jq '.conditions'`,
  ).action((fleet: string | undefined, flags: ReadFlags, cmd: Command) => {
    if (fleet === undefined && flags.selector === undefined) throw new UsageError('describe fleet: name a fleet, or select fleets with -l');
    return runRead(cmd, VIEWS.describe, fleet, flags);
  });
  addReadOptions(
    program.command('events').description('what happened to the fleets, oldest first; repeats folded into a count').argument('[fleet]'),
    `  $ drover events
  $ drover events -l tier=public
  $ drover events magento-marketplace --watch`,
  ).action((fleet: string | undefined, flags: ReadFlags, cmd: Command) => runRead(cmd, VIEWS.events, fleet, flags));
}
