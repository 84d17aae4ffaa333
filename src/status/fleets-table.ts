/** `drover get fleets`: one line per fleet, kubectl style; `-o wide` adds DNS, bounds, EFS, last event, owner. */
import type { FleetStatus, FleetStatusList } from '../model/fleet-status';
import { age, kubeAge, NONE, orNone, shortCommit } from './format';
import { formatLabels } from './label-selector';
import { selectFleets } from './select';
import { noneFound, renderTable, type Column, type TableOptions } from './table';

function lastEvent(f: FleetStatus, now: Date): string {
  const e = f.events[f.events.length - 1];
  return e ? `${e.reason} (${age(e.at, now)})` : NONE;
}

function columns(opts: TableOptions, rowsHaveOwner = false): Column<FleetStatus>[] {
  const cols: Column<FleetStatus>[] = [
    { header: 'NAME', value: (f) => f.name },
    { header: 'AMI', value: (f) => orNone(f.ami) },
    { header: 'COMMIT', value: (f) => shortCommit(f.commit) },
    { header: 'READY', value: (f) => `${f.ready.inService}/${f.ready.desired}` },
    { header: 'PHASE', value: (f) => f.phase, style: 'status' },
    { header: 'STRATEGY', value: (f) => f.spec.strategy },
    { header: 'AGE', value: (f) => kubeAge(f.createdAt, opts.now) },
  ];
  // -L key: after AGE, as kubectl puts them; a fleet without the label shows an empty cell.
  for (const key of opts.labelColumns ?? []) cols.push({ header: key.toUpperCase(), value: (f) => f.spec.labels?.[key] ?? '' });
  const labels: Column<FleetStatus> = { header: 'LABELS', value: (f) => formatLabels(f.spec.labels) };
  if (!opts.wide) return opts.showLabels ? [...cols, labels] : cols;
  return [
    ...cols,
    { header: 'ELB-DNS', value: (f) => orNone(f.observed.loadBalancerDns) },
    { header: 'MIN/MAX', value: (f) => `${f.spec.min}/${f.spec.max}` },
    { header: 'EFS', value: (f) => orNone(f.observed.fileSystemId ?? f.spec.efs) },
    { header: 'LAST-EVENT', value: (f) => lastEvent(f, opts.now) },
    ...(rowsHaveOwner ? [{ header: 'OWNER', value: (f: FleetStatus) => orNone(f.owner) }] : []),
    labels,
  ];
}

export function renderFleetsTable(list: FleetStatusList, opts: TableOptions, fleet?: string): string {
  const rows = selectFleets(list, fleet);
  if (!rows.length) return noneFound('fleets', fleet);
  // OWNER only where an owner is known (shared state, or served by a daemon): a local read keeps today's columns.
  return renderTable(rows, columns(opts, rows.some((f) => f.owner !== undefined)), { noHeaders: opts.noHeaders, color: opts.color });
}
