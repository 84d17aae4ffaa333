/** `drover get instances [fleet]`: every instance of the fleet's groups with EC2, ELB and ASG views of it. */
import type { FleetStatusList, InstanceStatus } from '../model/fleet-status';
import { kubeAge, orNone } from './format';
import { byText, selectFleets, showFleetColumn } from './select';
import { noneFound, renderTable, type Column, type TableOptions } from './table';

type Row = InstanceStatus & { fleet: string };

const COLOR_STYLE = { blue: 'blue', green: 'green', active: undefined } as const;

function columns(opts: TableOptions, withFleet: boolean): Column<Row>[] {
  const cols: Column<Row>[] = [
    { header: 'ID', value: (i) => i.id },
    { header: 'GROUP', value: (i) => i.group },
    { header: 'COLOR', value: (i) => i.color, style: (i) => COLOR_STYLE[i.color] },
    { header: 'AMI', value: (i) => orNone(i.ami) },
    { header: 'STATE', value: (i) => i.state },
    { header: 'ELB', value: (i) => i.elbHealth, style: 'status' },
    { header: 'LIFECYCLE', value: (i) => i.lifecycleState },
    { header: 'AGE', value: (i) => kubeAge(i.launchedAt, opts.now) },
  ];
  return withFleet ? [{ header: 'FLEET', value: (i) => i.fleet }, ...cols] : cols;
}

export function renderInstancesTable(list: FleetStatusList, fleet: string | undefined, opts: TableOptions): string {
  const rows: Row[] = selectFleets(list, fleet).flatMap((f) =>
    [...f.observed.instances].sort((a, b) => byText(a.group, b.group) || byText(a.id, b.id)).map((i) => ({ ...i, fleet: f.name })),
  );
  if (!rows.length) return noneFound('instances', fleet);
  return renderTable(rows, columns(opts, showFleetColumn(list, fleet)), { noHeaders: opts.noHeaders, color: opts.color });
}
