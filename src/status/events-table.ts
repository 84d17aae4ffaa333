/** `drover events [fleet]`, like `kubectl events`: oldest first, newest last, repeats folded into a count. */
import type { FleetEvent, FleetStatusList } from '../model/fleet-status';
import { age } from './format';
import { selectFleets, showFleetColumn } from './select';
import { noneFound, renderTable, type Column, type LayoutOptions, type TableOptions } from './table';

export function lastSeen(e: FleetEvent, now: Date): string {
  return e.count && e.count > 1 ? `${age(e.at, now)} (x${e.count})` : age(e.at, now);
}

export function eventColumns(now: Date, withFleet: boolean): Column<FleetEvent>[] {
  const cols: Column<FleetEvent>[] = [
    { header: 'LAST SEEN', value: (e) => lastSeen(e, now) },
    { header: 'TYPE', value: (e) => e.type, style: 'status' },
    { header: 'REASON', value: (e) => e.reason },
    { header: 'MESSAGE', value: (e) => e.message },
  ];
  return withFleet ? [...cols.slice(0, 3), { header: 'FLEET', value: (e) => e.fleet }, cols[3]] : cols;
}

/** Events sorted by time, oldest first; ties keep their recorded order. */
export function sortEvents(events: FleetEvent[]): FleetEvent[] {
  return events
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
}

export function renderEventsTable(list: FleetStatusList, fleet: string | undefined, opts: TableOptions): string {
  const events = sortEvents(selectFleets(list, fleet).flatMap((f) => f.events));
  if (!events.length) return noneFound('events', fleet);
  const layout: LayoutOptions = { noHeaders: opts.noHeaders, color: opts.color };
  return renderTable(events, eventColumns(opts.now, showFleetColumn(list, fleet)), layout);
}
