/** `drover get deployments [fleet]`: the current deployment and history, newest first. */
import type { DeploymentStatus, FleetStatusList } from '../model/fleet-status';
import { formatDuration } from '../util/clock';
import { age, elapsedSeconds, NONE, shortCommit } from './format';
import { fleetDeployments, selectFleets, showFleetColumn } from './select';
import { noneFound, renderTable, type Column, type TableOptions } from './table';

type Row = DeploymentStatus & { fleetName: string };

export function amiChange(d: DeploymentStatus): string {
  return `${d.fromAmi ?? NONE}→${d.toAmi ?? NONE}`;
}

function columns(opts: TableOptions, withFleet: boolean): Column<Row>[] {
  const cols: Column<Row>[] = [
    { header: 'ID', value: (d) => d.id },
    { header: 'KIND', value: (d) => d.kind },
    { header: 'GENERATION', value: (d) => (d.generation === undefined ? NONE : String(d.generation)) },
    { header: 'FROM→TO', value: amiChange },
    { header: 'COMMIT', value: (d) => shortCommit(d.commit) },
    { header: 'PHASE', value: (d) => d.phase },
    { header: 'RESULT', value: (d) => d.result, style: 'status' },
    { header: 'STARTED', value: (d) => age(d.startedAt, opts.now) },
    { header: 'DURATION', value: (d) => formatDuration(elapsedSeconds(d, opts.now)) },
  ];
  return withFleet ? [{ header: 'FLEET', value: (d) => d.fleetName }, ...cols] : cols;
}

export function renderDeploymentsTable(list: FleetStatusList, fleet: string | undefined, opts: TableOptions): string {
  const rows: Row[] = selectFleets(list, fleet).flatMap((f) => fleetDeployments(f).map((d) => ({ ...d, fleetName: f.name })));
  if (!rows.length) return noneFound('deployments', fleet);
  return renderTable(rows, columns(opts, showFleetColumn(list, fleet)), { noHeaders: opts.noHeaders, color: opts.color });
}
