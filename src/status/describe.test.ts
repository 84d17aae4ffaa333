import { renderDescribeFleet } from './describe';
import { degradedFleet, FAILING_INSTANCE_IDS, FIXTURE_NOW, progressingFleet, readyFleet } from '../../test/support/status-fixtures';

const plain = { now: FIXTURE_NOW, color: false };

describe('describe fleet', () => {
  it.each([
    ['Ready', readyFleet],
    ['Progressing', progressingFleet],
    ['Degraded', degradedFleet],
  ])('renders the %s fleet', (_phase, fleet) => {
    expect(renderDescribeFleet(fleet, plain)).toMatchSnapshot();
  });

  it('answers why the last deploy failed: phase, reason and each failing instance', () => {
    const out = renderDescribeFleet(degradedFleet, plain);
    expect(out).toMatch(/^Phase: +Degraded$/m);
    expect(out).toMatch(/^ {2}Reason: +GreenHealthTimeout$/m);
    expect(out).toMatch(/^ {2}Result: +RolledBack$/m);
    for (const id of FAILING_INSTANCE_IDS) expect(out).toMatch(new RegExp(`^ {2}Failing Instances: .*${id}`, 'm'));
  });

  it('shows healthy/desired per colour, elapsed and time left while deploying', () => {
    const out = renderDescribeFleet(progressingFleet, plain);
    expect(out).toMatch(/^ {2}Blue: +magento-staging-v003 {2}4\/4 InService$/m);
    expect(out).toMatch(/^ {2}Green: +magento-staging-v004 {2}3\/4 InService$/m);
    expect(out).toMatch(/^ {2}Elapsed: +2m10s$/m);
    expect(out).toMatch(/^ {2}Timeout: +timeout in 7m50s$/m);
  });

  it('lists resources, alarm states and conditions', () => {
    const out = renderDescribeFleet(degradedFleet, plain);
    expect(out).toContain('magento-b2b (magento-b2b-555666777.eu-west-1.elb.amazonaws.com)');
    expect(out).toContain('lt-0a1b2c3d4e5f60303');
    expect(out).toContain('fs-0a1b2c3d4e5f60999');
    expect(out).toMatch(/magento-b2b-cpu-high +ALARM/);
    expect(out).toMatch(/^ {2}Degraded +True +GreenHealthTimeout +13m +green magento-b2b-v006/m);
  });

  it('keeps only the last 20 events and says <none> for empty sections', () => {
    const events = Array.from({ length: 30 }, (_, i) => ({ ...degradedFleet.events[0], reason: `Step${i}`, at: new Date(FIXTURE_NOW.getTime() - (30 - i) * 1000).toISOString() }));
    const out = renderDescribeFleet({ ...degradedFleet, events }, plain);
    expect(out).not.toContain('Step9 ');
    expect(out).toContain('Step10 ');
    expect(out).toContain('Step29 ');
    const bare = renderDescribeFleet({ ...readyFleet, events: [], deployment: undefined, conditions: [] }, plain);
    expect(bare).toContain('Events:  <none>\n');
    expect(bare).toContain('Deployment:  <none>\n');
    expect(bare).toContain('Conditions:  <none>\n');
  });

  it('lists every instance like get instances, by group then id, with its zone, health and age', () => {
    const [blue, green] = [progressingFleet.observed.instances[0], progressingFleet.observed.instances[7]];
    const zoned = { ...progressingFleet, observed: { ...progressingFleet.observed, instances: [{ ...green, availabilityZone: 'eu-west-1b' }, { ...blue, availabilityZone: 'eu-west-1a' }] } };
    const out = renderDescribeFleet(zoned, plain);
    const section = out.slice(out.indexOf('Instances:\n'), out.indexOf('Conditions:'));
    expect(section.trimEnd().split('\n').map((l) => l.trim().split(/\s{3,}/))).toEqual([
      ['Instances:'],
      ['ID', 'GROUP', 'COLOR', 'LIFECYCLE', 'ELB', 'AZ', 'AGE'],
      [blue.id, 'magento-staging-v003', 'blue', 'InService', 'InService', 'eu-west-1a', '125m'],
      [green.id, 'magento-staging-v004', 'green', 'InService', 'OutOfService', 'eu-west-1b', '110s'],
    ]);
    // Status written before zones were recorded, or an instance not launched yet: placeholders, not blanks.
    const old = renderDescribeFleet({ ...progressingFleet, observed: { ...progressingFleet.observed, instances: [{ ...blue, launchedAt: undefined }] } }, plain);
    expect(old).toMatch(new RegExp(`^ {2}${blue.id} +magento-staging-v003 +blue +InService +InService +<none> +<unknown>$`, 'm'));
    expect(renderDescribeFleet({ ...readyFleet, observed: { ...readyFleet.observed, instances: [] } }, plain)).toContain('Instances:  <none>\n');
  });

  it('colours only when asked', () => {
    expect(renderDescribeFleet(degradedFleet, plain)).not.toContain('\x1b');
    expect(renderDescribeFleet(degradedFleet, { ...plain, color: true })).toContain('\x1b[31mDegraded\x1b[0m');
  });
});
