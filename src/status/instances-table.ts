/** `drover get instances [fleet]`: every instance of the fleet's groups with EC2, ELB and ASG views of it. */
import type { FleetStatus, FleetStatusList, InstanceStatus } from '../model/fleet-status';
import { kubeAge, NONE, orNone } from './format';
import { byText, selectFleets, showFleetColumn } from './select';
import { noneFound, renderTable, type Column, type TableOptions } from './table';

type Row = InstanceStatus & { fleet: string };

const COLOR_STYLE = { blue: 'blue', green: 'green', active: undefined } as const;

/**
 * Every instance column, by name, so `get instances` and the Instances section of `describe
 * fleet` print the same headers and cells. ELB is the Classic ELB's health, or on an ALB/NLB the
 * target group's (healthy is InService).
 */
export function instanceColumns(now: Date) {
  return {
    id: { header: 'ID', value: (i) => i.id },
    group: { header: 'GROUP', value: (i) => i.group },
    color: { header: 'COLOR', value: (i) => i.color, style: (i) => COLOR_STYLE[i.color] },
    ami: { header: 'AMI', value: (i) => orNone(i.ami) },
    state: { header: 'STATE', value: (i) => i.state },
    elb: { header: 'ELB', value: (i) => i.elbHealth, style: 'status' },
    lifecycle: { header: 'LIFECYCLE', value: (i) => i.lifecycleState },
    zone: { header: 'AZ', value: (i) => i.availabilityZone || NONE },
    age: { header: 'AGE', value: (i) => kubeAge(i.launchedAt, now) },
  } satisfies Record<string, Column<InstanceStatus>>;
}

/** A fleet's instances in the order every view lists them: by group, then by id. */
export function sortedInstances(fleet: FleetStatus): InstanceStatus[] {
  return [...fleet.observed.instances].sort((a, b) => byText(a.group, b.group) || byText(a.id, b.id));
}

function columns(opts: TableOptions, withFleet: boolean): Column<Row>[] {
  const c = instanceColumns(opts.now);
  // -o wide adds the zone at the end, as kubectl's wide columns come after AGE.
  const cols: Column<Row>[] = [c.id, c.group, c.color, c.ami, c.state, c.elb, c.lifecycle, c.age, ...(opts.wide ? [c.zone] : [])];
  return withFleet ? [{ header: 'FLEET', value: (i) => i.fleet }, ...cols] : cols;
}

export function renderInstancesTable(list: FleetStatusList, fleet: string | undefined, opts: TableOptions): string {
  const rows: Row[] = selectFleets(list, fleet).flatMap((f) => sortedInstances(f).map((i) => ({ ...i, fleet: f.name })));
  if (!rows.length) return noneFound('instances', fleet);
  return renderTable(rows, columns(opts, showFleetColumn(list, fleet)), { noHeaders: opts.noHeaders, color: opts.color });
}
