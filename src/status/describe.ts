/**
 * `drover describe fleet <name>`, kubectl-describe style: who it is, what the manifest asks,
 * what exists in AWS and the instances it runs, the conditions, the current or last deployment and recent events.
 */
import { canaryAnalysisText, canaryStepText } from './rollout-status';
import type { DeploymentStatus, FleetStatus } from '../model/fleet-status';
import type { Condition } from '../model/status';
import { formatDuration } from '../util/clock';
import { paint, paintStatus } from './color';
import { eventColumns, sortEvents } from './events-table';
import { emptySection, renderFields } from './fields';
import { age, elapsedSeconds, isoSeconds, NONE, orNone, shortCommit, timeoutText } from './format';
import { renderTable, type Column } from './table';
import { amiChange } from './deployments-table';
import { formatLabels } from './label-selector';
import { instanceColumns, sortedInstances } from './instances-table';

export interface DescribeOptions {
  now: Date;
  color: boolean;
}

const DESCRIBE_EVENTS = 20;

function when(iso: string | undefined, now: Date): string | undefined {
  return iso ? `${isoSeconds(iso)} (${age(iso, now)} ago)` : undefined;
}

function header(s: FleetStatus, o: DescribeOptions): string {
  return renderFields([
    ['Name', s.name],
    ['Labels', formatLabels(s.spec.labels)],
    ['Region', s.spec.region],
    ['Phase', paintStatus(o.color, s.phase)],
    ['Ready', `${s.ready.inService}/${s.ready.desired} InService`],
    ['AMI', orNone(s.ami)],
    ['Commit', s.commit ?? NONE],
    ['Created', when(s.createdAt, o.now)],
    ['Updated', when(s.updatedAt, o.now)],
    ['Observed', when(s.observedAt, o.now) ?? NONE],
  ]);
}

function spec(s: FleetStatus): string {
  const { spec: p } = s;
  const image = p.bake ? `bake ${p.bake.repository} (branch ${p.bake.branch})` : orNone(p.ami);
  return `Spec:\n${renderFields(
    [
      ['Image', image],
      ['Instance Type', p.instanceType],
      ['Capacity', `min ${p.min}, desired ${p.desired}, max ${p.max}`],
      ['Strategy', p.strategy],
      ['Load Balancer', p.loadBalancer],
      ['EFS', p.efs],
      ['Subnets', p.subnets.join(', ') || NONE],
    ],
    2,
  )}`;
}

function resources(s: FleetStatus, o: DescribeOptions): string {
  const ob = s.observed;
  const lb = ob.loadBalancerDns ? `${s.spec.loadBalancer} (${ob.loadBalancerDns})` : `${s.spec.loadBalancer} (not found)`;
  const groups = renderTable(ob.groups, [
    { header: 'NAME', value: (g) => (g.name === ob.activeGroup ? `${g.name} *` : g.name) },
    { header: 'COLOR', value: (g) => g.color },
    { header: 'GENERATION', value: (g) => String(g.generation) },
    { header: 'AMI', value: (g) => orNone(g.ami) },
    { header: 'IN-SERVICE', value: (g) => `${g.inService}/${g.desired}` },
    { header: 'MIN/MAX', value: (g) => `${g.min}/${g.max}` },
    { header: 'INSTANCES', value: (g) => String(g.instances) },
  ], { indent: 4, color: o.color });
  const alarms = renderTable(ob.alarms, [
    { header: 'NAME', value: (a) => a.name },
    { header: 'STATE', value: (a) => a.state, style: 'status' },
  ], { indent: 4, color: o.color });
  return `Resources:\n${renderFields([
    ['Load Balancer', lb],
    ['Launch Template', orNone(ob.launchTemplateId)],
    ['File System', s.spec.efs || ob.fileSystemId ? orNone(ob.fileSystemId) : undefined],
  ], 2)}${ob.groups.length ? `  Groups:  (* serves traffic)\n${groups}` : emptySection('Groups', 2)}${
    ob.alarms.length ? `  Alarms:\n${alarms}` : emptySection('Alarms', 2)
  }`;
}

/** Each instance of the fleet's groups, as `get instances` shows it (kubectl describe lists what a resource runs). */
function instances(s: FleetStatus, o: DescribeOptions): string {
  if (!s.observed.instances.length) return emptySection('Instances');
  const c = instanceColumns(o.now);
  const table = renderTable(sortedInstances(s), [c.id, c.group, c.color, c.lifecycle, c.elb, c.zone, c.age], { indent: 2, color: o.color });
  return `Instances:\n${table}`;
}

function conditions(list: Condition[], o: DescribeOptions): string {
  if (!list.length) return emptySection('Conditions');
  const cols: Column<Condition>[] = [
    { header: 'TYPE', value: (c) => c.type },
    { header: 'STATUS', value: (c) => c.status },
    { header: 'REASON', value: (c) => c.reason },
    { header: 'SINCE', value: (c) => age(c.lastTransitionTime, o.now) },
    { header: 'MESSAGE', value: (c) => c.message },
  ];
  return `Conditions:\n${renderTable(list, cols, { indent: 2, color: o.color })}`;
}

function side(x: DeploymentStatus['blue']): string | undefined {
  return x ? `${x.group}  ${x.inService}/${x.desired} InService` : undefined;
}

function deployment(d: DeploymentStatus | undefined, o: DescribeOptions): string {
  if (!d) return emptySection('Deployment');
  const failing = d.failingInstanceIds?.length ? paint(o.color, 'red', d.failingInstanceIds.join(', ')) : undefined;
  return `Deployment:\n${renderFields([
    ['ID', d.id],
    ['Kind', d.kind],
    ['Generation', d.generation === undefined ? undefined : String(d.generation)],
    ['AMI', amiChange(d)],
    ['Commit', d.commit ? shortCommit(d.commit) : undefined],
    ['Phase', d.phase],
    ['Result', paintStatus(o.color, d.result)],
    ['Blue', side(d.blue)],
    ['Green', side(d.green)],
    ['Canary', canaryStepText(d)],
    ['Analysis', canaryAnalysisText(d)],
    ['Started', when(d.startedAt, o.now)],
    ['Finished', when(d.finishedAt, o.now)],
    ['Elapsed', formatDuration(elapsedSeconds(d, o.now))],
    ['Timeout', timeoutText(d, o.now)],
    ['Failing Instances', failing],
    ['Reason', d.reason],
    ['Message', d.message],
  ], 2)}`;
}

function events(s: FleetStatus, o: DescribeOptions): string {
  const recent = sortEvents(s.events).slice(-DESCRIBE_EVENTS);
  if (!recent.length) return emptySection('Events');
  return `Events:\n${renderTable(recent, eventColumns(o.now, false), { indent: 2, color: o.color })}`;
}

export function renderDescribeFleet(status: FleetStatus, opts: DescribeOptions): string {
  return [header(status, opts), spec(status), resources(status, opts), instances(status, opts), conditions(status.conditions, opts), deployment(status.deployment, opts), events(status, opts)].join('');
}
