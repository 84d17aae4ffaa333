import { renderDeploymentsTable } from './deployments-table';
import { renderEventsTable } from './events-table';
import { renderFleetsTable } from './fleets-table';
import { renderInstancesTable } from './instances-table';
import { stripAnsi } from './color';
import { FIXTURE_NOW, fixtureList } from '../../test/support/status-fixtures';
import { toFleetStatusList } from '../model/fleet-status';

const plain = { now: FIXTURE_NOW, color: false };
const colored = { now: FIXTURE_NOW, color: true };

describe('get fleets', () => {
  it('renders the table', () => expect(renderFleetsTable(fixtureList(), plain)).toMatchSnapshot());
  it('renders -o wide', () => expect(renderFleetsTable(fixtureList(), { ...plain, wide: true })).toMatchSnapshot());

  it('--show-labels adds a LABELS column last, sorted key=value pairs or <none>', () => {
    const lines = renderFleetsTable(fixtureList(), { ...plain, showLabels: true }).trimEnd().split('\n');
    expect(lines[0].split(/\s{3,}/)).toEqual(['NAME', 'AMI', 'COMMIT', 'READY', 'PHASE', 'STRATEGY', 'AGE', 'LABELS']);
    expect(lines.find((l) => l.startsWith('magento-marketplace'))!.trimEnd().endsWith('team=shop,tier=public')).toBe(true);
    expect(lines.find((l) => l.startsWith('magento-b2b'))!.trimEnd().endsWith('<none>')).toBe(true);
  });

  it('shows READY as InService/desired, short commits and phases', () => {
    const lines = renderFleetsTable(fixtureList(), plain).trimEnd().split('\n');
    expect(lines[0].split(/\s{3,}/)).toEqual(['NAME', 'AMI', 'COMMIT', 'READY', 'PHASE', 'STRATEGY', 'AGE']);
    const b2b = lines.find((l) => l.startsWith('magento-b2b'))!.split(/\s{3,}/);
    expect(b2b).toEqual(['magento-b2b', 'ami-0a1b2c3d4e5f60002', '1f2e3d4c', '3/4', 'Degraded', 'blueGreen', '4d15h']);
  });

  it('--no-headers drops the header line and nothing else', () => {
    const withHeaders = renderFleetsTable(fixtureList(), plain).split('\n');
    const without = renderFleetsTable(fixtureList(), { ...plain, noHeaders: true }).split('\n');
    expect(without).toHaveLength(withHeaders.length - 1);
    expect(without.join('\n')).not.toContain('NAME');
    expect(without[0].startsWith('magento-b2b')).toBe(true);
  });

  it('colours phases only when asked, without breaking alignment', () => {
    const out = renderFleetsTable(fixtureList(), colored);
    expect(out).toContain('\x1b[32mReady\x1b[0m');
    expect(out).toContain('\x1b[33mProgressing\x1b[0m');
    expect(out).toContain('\x1b[31mDegraded\x1b[0m');
    expect(stripAnsi(out)).toBe(renderFleetsTable(fixtureList(), plain));
  });

  it('has no trailing spaces and says so when nothing matches', () => {
    expect(renderFleetsTable(fixtureList(), { ...plain, wide: true })).not.toMatch(/ \n/);
    expect(renderFleetsTable(toFleetStatusList([]), plain)).toBe('No fleets found.\n');
    expect(renderFleetsTable(fixtureList(), plain, 'nope')).toBe('No fleets found for fleet "nope".\n');
  });
});

describe('get instances', () => {
  it('renders every fleet with a FLEET column', () => expect(renderInstancesTable(fixtureList(), undefined, plain)).toMatchSnapshot());

  it('drops the FLEET column for one fleet and lists both colours mid-swap', () => {
    const out = renderInstancesTable(fixtureList(), 'magento-staging', plain);
    expect(out.split('\n')[0].split(/\s{3,}/)).toEqual(['ID', 'GROUP', 'COLOR', 'AMI', 'STATE', 'ELB', 'LIFECYCLE', 'AGE']);
    expect(out.match(/ blue /g)).toHaveLength(4);
    expect(out.match(/ green /g)).toHaveLength(4);
    expect(out).toMatch(/i-0e5f6a7b8c9d00014 .* OutOfService /);
  });
});

describe('get deployments', () => {
  it('renders current and past deployments', () => expect(renderDeploymentsTable(fixtureList(), undefined, plain)).toMatchSnapshot());

  it('does not list the current deployment twice', () => {
    const out = renderDeploymentsTable(fixtureList(), 'magento-b2b', plain);
    expect(out.match(/magento-b2b-swap-6/g)).toHaveLength(1);
    expect(out).toMatch(/magento-b2b-swap-6 .* RolledBack +25m +12m\n/);
  });
});

describe('events', () => {
  it('renders kubectl-events style', () => expect(renderEventsTable(fixtureList(), undefined, plain)).toMatchSnapshot());

  it('lists oldest first and folds repeats into a count', () => {
    const lines = renderEventsTable(fixtureList(), 'magento-staging', plain).trimEnd().split('\n');
    expect(lines[0].split(/\s{3,}/)).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'MESSAGE']);
    expect(lines.slice(1).map((l) => l.split(/\s{3,}/)[2])).toEqual(['FleetCreated', 'SwapStarted', 'WaitingForHealthyInstances']);
    expect(lines[3].startsWith('20s (x3)')).toBe(true);
  });
});

it('never emits ANSI escapes when color=false', () => {
  const list = fixtureList();
  const outputs = [
    renderFleetsTable(list, { ...plain, wide: true }),
    renderInstancesTable(list, undefined, plain),
    renderDeploymentsTable(list, undefined, plain),
    renderEventsTable(list, undefined, plain),
  ];
  for (const out of outputs) expect(out).not.toContain('\x1b');
});
