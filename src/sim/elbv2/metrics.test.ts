import { DescribeAlarmsCommand, GetMetricDataCommand, GetMetricStatisticsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { RegisterInstancesWithLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing';
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { SimAccount } from '../index';
import { createWebFleet, simClients, SUBNETS } from '../../../test/support/sim';
import { createAlb, createTargetGroup, createTargetGroupFleet, createWeightedListener, metricValues, targetStates } from '../../../test/support/sim-elbv2';

const AMI_GREEN = 'ami-0a1b2c3d4e5f60002';
const MIN = 60_000;

/** `app/<name>/<id>` and `targetgroup/<name>/<id>` from the ARNs, as CloudWatch names them. */
const dim = (arn: string) => arn.split(':').pop()!.replace(/^loadbalancer\//, '');

async function canary() {
  const sim = new SimAccount({ seed: 8 });
  const c = simClients(sim);
  const lb = await createAlb(c.elbv2);
  const blue = await createTargetGroup(c.elbv2, 'shop-blue');
  const green = await createTargetGroup(c.elbv2, 'shop-green');
  const listener = await createWeightedListener(c.elbv2, lb, [
    [blue, 90],
    [green, 10],
  ]);
  await createTargetGroupFleet(c, 'shop-v001', { desired: 3, targetGroups: [blue] });
  await createTargetGroupFleet(c, 'shop-v002', { desired: 1, targetGroups: [green], imageId: AMI_GREEN });
  sim.advance(2 * MIN);
  const dims = (tg: string) => ({ LoadBalancer: dim(lb), TargetGroup: dim(tg) });
  return { sim, c, lb, blue, green, listener, dims };
}

describe('CloudWatch metrics from the load model', () => {
  it('splits RequestCount by listener weights and publishes target 5xx only while the error-rate fault is on', async () => {
    const { sim, c, lb, blue, green, listener, dims } = await canary();
    expect(Object.values(await targetStates(c.elbv2, green))).toEqual(['healthy']);
    expect(dim(lb)).toMatch(/^app\/shop\/[0-9a-f]{16}$/);
    expect(dim(green)).toMatch(/^targetgroup\/shop-green\/[0-9a-f]{16}$/);
    const t0 = sim.nowMs();
    sim.advance(5 * MIN);
    const t1 = sim.nowMs();
    const requests = (tg: string, from = t0, to = t1) => metricValues(c.cw, 'AWS/ApplicationELB', 'RequestCount', dims(tg), 'Sum', from, to);
    // 20 requests/s = 1,200 a minute: 90 % to blue, 10 % to green.
    expect(await requests(blue)).toEqual([1080, 1080, 1080, 1080, 1080]);
    expect(await requests(green)).toEqual([120, 120, 120, 120, 120]);
    expect(await metricValues(c.cw, 'AWS/ApplicationELB', 'RequestCount', { LoadBalancer: dim(lb) }, 'Sum', t0, t1, 300)).toEqual([6000]);
    expect(await metricValues(c.cw, 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', dims(green), 'Sum', t0, t1)).toEqual([]);
    const p99 = await metricValues(c.cw, 'AWS/ApplicationELB', 'TargetResponseTime', dims(green), 'p99', t0, t1);
    const avg = await metricValues(c.cw, 'AWS/ApplicationELB', 'TargetResponseTime', dims(green), 'Average', t0, t1);
    expect(p99).toHaveLength(5);
    expect(p99[0]).toBeGreaterThan(2 * avg[0]);

    sim.markAmiBroken(AMI_GREEN, { errorRate: 0.3 });
    sim.advance(5 * MIN);
    const t2 = sim.nowMs();
    expect(await metricValues(c.cw, 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', dims(green), 'Sum', t1, t2)).toEqual([36, 36, 36, 36, 36]);
    expect(await metricValues(c.cw, 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', dims(blue), 'Sum', t1, t2)).toEqual([]);
    expect(await metricValues(c.cw, 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', { LoadBalancer: dim(lb) }, 'Sum', t1, t2, 300)).toEqual([180]);
    // Healthy by health check, bad by metrics.
    expect(Object.values(await targetStates(c.elbv2, green))).toEqual(['healthy']);

    await c.elbv2.send(
      new ModifyListenerCommand({ ListenerArn: listener, DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 1 }, { TargetGroupArn: green, Weight: 1 }] } }] }),
    );
    sim.advance(2 * MIN);
    expect(await requests(green, t2, sim.nowMs())).toEqual([600, 600]);
    expect(await metricValues(c.cw, 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', dims(green), 'Sum', t2, sim.nowMs())).toEqual([180, 180]);
    // Everything the canary build answered so far, for benches (its share of all requests).
    const served = sim.snapshot().metrics!.served!;
    // Green served from its first healthy minute on: 1 minute before t0, 5 before the fault and 5 with it
    // at 120 a minute, then 2 at 600; 30 % failed since the fault.
    expect(served[AMI_GREEN].requests).toBeCloseTo(11 * 120 + 2 * 600, 6);
    expect(served[AMI_GREEN].errors).toBeCloseTo(0.3 * (5 * 120 + 2 * 600), 6);
    sim.markAmiBroken(AMI_GREEN, { errorRate: 0 });
    const t3 = sim.nowMs();
    sim.advance(2 * MIN);
    expect(await metricValues(c.cw, 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', dims(green), 'Sum', t3, sim.nowMs())).toEqual([]);
  });

  it('answers GetMetricData newest first by default, honours ReturnData and rejects what it does not model', async () => {
    const { sim, c, green, dims } = await canary();
    const t0 = sim.nowMs();
    sim.advance(3 * MIN);
    const metric = { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: Object.entries(dims(green)).map(([Name, Value]) => ({ Name, Value })) };
    const out = await c.cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(t0),
        EndTime: new Date(sim.nowMs()),
        MetricDataQueries: [
          { Id: 'req', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } },
          { Id: 'hidden', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' }, ReturnData: false },
        ],
      }),
    );
    expect(out.MetricDataResults).toHaveLength(1);
    const r = out.MetricDataResults![0];
    expect(r).toMatchObject({ Id: 'req', Label: 'RequestCount', StatusCode: 'Complete', Values: [120, 120, 120] });
    expect(r.Timestamps!.map((d) => d.getTime())).toEqual([t0 + 2 * MIN, t0 + MIN, t0]);
    const partial = await metricValues(c.cw, 'AWS/ApplicationELB', 'RequestCount', { TargetGroup: dims(green).TargetGroup }, 'Sum', t0, sim.nowMs());
    expect(partial).toEqual([]);
    const math = await c.cw.send(new GetMetricDataCommand({ StartTime: new Date(t0), EndTime: new Date(sim.nowMs()), MetricDataQueries: [{ Id: 'e1', Expression: 'ANOMALY_DETECTION_BAND(e1)' }] })).catch((e) => e);
    expect(math.name).toBe('InvalidParameterValueException');
    const badStat = await metricValues(c.cw, 'AWS/ApplicationELB', 'RequestCount', dims(green), 'Median', t0, sim.nowMs()).catch((e) => e);
    expect(badStat.name).toBe('InvalidParameterValueException');
  });

  it('publishes Classic ELB RequestCount, HTTPCode_Backend_5XX and Latency, split by registered instances', async () => {
    const sim = new SimAccount({ seed: 3 });
    const c = simClients(sim);
    await createWebFleet(c, { name: 'classic', desired: 3 });
    const canaryId = (await c.ec2.send(new RunInstancesCommand({ ImageId: AMI_GREEN, MinCount: 1, MaxCount: 1, InstanceType: 't3.medium', SubnetId: SUBNETS[0] }))).Instances![0].InstanceId!;
    await c.elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: 'classic', Instances: [{ InstanceId: canaryId }] }));
    sim.markAmiBroken(AMI_GREEN, { errorRate: 0.3 });
    sim.advance(3 * MIN);
    expect(sim.inServiceCount('classic')).toBe(4);
    const t0 = sim.nowMs();
    sim.advance(2 * MIN);
    const stats = await c.cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/ELB',
        MetricName: 'HTTPCode_Backend_5XX',
        Dimensions: [{ Name: 'LoadBalancerName', Value: 'classic' }],
        StartTime: new Date(t0),
        EndTime: new Date(sim.nowMs()),
        Period: 60,
        Statistics: ['Sum'],
      }),
    );
    // 1,200 requests a minute over 4 instances; the canary's 300 fail 30 % of the time.
    expect(stats.Datapoints!.map((d) => [d.Timestamp!.getTime(), d.Sum, d.Unit])).toEqual([
      [t0, 90, 'Count'],
      [t0 + MIN, 90, 'Count'],
    ]);
    expect(await metricValues(c.cw, 'AWS/ELB', 'RequestCount', { LoadBalancerName: 'classic' }, 'Sum', t0, sim.nowMs())).toEqual([1200, 1200]);
    const latency = await c.cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/ELB',
        MetricName: 'Latency',
        Dimensions: [{ Name: 'LoadBalancerName', Value: 'classic' }],
        StartTime: new Date(t0),
        EndTime: new Date(sim.nowMs()),
        Period: 120,
        ExtendedStatistics: ['p99'],
      }),
    );
    expect(latency.Datapoints).toHaveLength(1);
    expect(latency.Datapoints![0].ExtendedStatistics!.p99).toBeGreaterThan(0.08);
    expect(latency.Datapoints![0].Unit).toBe('Seconds');
  });

  it('computes a 5xx rate with metric math, FILL covering the minutes AWS publishes no 5xx count for', async () => {
    const { sim, c, green, dims } = await canary();
    const t0 = sim.nowMs();
    sim.advance(2 * MIN);
    sim.markAmiBroken(AMI_GREEN, { errorRate: 0.3 });
    sim.advance(2 * MIN);
    const metric = (MetricName: string) => ({ Namespace: 'AWS/ApplicationELB', MetricName, Dimensions: Object.entries(dims(green)).map(([Name, Value]) => ({ Name, Value })) });
    const out = await c.cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(t0),
        EndTime: new Date(sim.nowMs()),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          { Id: 'errors', MetricStat: { Metric: metric('HTTPCode_Target_5XX_Count'), Period: 60, Stat: 'Sum' }, ReturnData: false },
          { Id: 'requests', MetricStat: { Metric: metric('RequestCount'), Period: 60, Stat: 'Sum' }, ReturnData: false },
          { Id: 'rate', Expression: 'FILL(errors, 0) / requests * 100', Label: '5xx %' },
          { Id: 'raw', Expression: 'errors / requests * 100' },
        ],
      }),
    );
    expect(out.MetricDataResults!.map((r) => [r.Id, r.Label, r.Values])).toEqual([
      ['rate', '5xx %', [0, 0, 30, 30]],
      ['raw', 'raw', [30, 30]],
    ]);
  });

  it('evaluates CloudWatch alarms on the load balancer metrics, so a metrics-bad build can trip one', async () => {
    const { sim, c, green, dims } = await canary();
    await c.cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'shop-green-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: Object.entries(dims(green)).map(([Name, Value]) => ({ Name, Value })),
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 2,
        Threshold: 10,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    const state = async () => (await c.cw.send(new DescribeAlarmsCommand({ AlarmNames: ['shop-green-5xx'] }))).MetricAlarms![0].StateValue;
    sim.advance(3 * MIN);
    expect(await state()).toBe('OK');
    sim.markAmiBroken(AMI_GREEN, { errorRate: 0.3 });
    sim.advance(2 * MIN);
    expect(await state()).toBe('ALARM');
    const alarm = (await c.cw.send(new DescribeAlarmsCommand({ AlarmNames: ['shop-green-5xx'] }))).MetricAlarms![0];
    expect(alarm.StateReason).toContain('[36.0');
  });

  it('grows requests and response times with the load set on the ALB, weighted onto each target group', async () => {
    const { sim, c, blue, green, dims } = await canary();
    const t0 = sim.nowMs();
    sim.advance(MIN);
    sim.setLoad('shop', 300);
    const t1 = sim.nowMs();
    sim.advance(MIN);
    const avg = async (tg: string, from: number, to: number) => (await metricValues(c.cw, 'AWS/ApplicationELB', 'TargetResponseTime', dims(tg), 'Average', from, to))[0];
    // 20 + 300 requests/s; blue's 3 instances share 90 % of 300 % CPU (90 % each), green's one 10 % (30 %).
    expect(await metricValues(c.cw, 'AWS/ApplicationELB', 'RequestCount', dims(blue), 'Sum', t1, sim.nowMs())).toEqual([17280]);
    expect((await avg(blue, t1, sim.nowMs())) / (await avg(blue, t0, t1))).toBeCloseTo((1 + 4 * 0.9 ** 3) / (1 + 4 * 0.02 ** 3), 3);
    expect((await avg(green, t1, sim.nowMs())) / (await avg(green, t0, t1))).toBeCloseTo((1 + 4 * 0.3 ** 3) / (1 + 4 * 0.02 ** 3), 3);
  });
});
