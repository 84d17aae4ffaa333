/**
 * Canary analysis over CloudWatch: run a plan's GetMetricData queries (plain data from the
 * planner) and return plain results; find the target group, load balancer and group of each
 * side from its Auto Scaling group, as CloudWatch names them in dimensions.
 */
import { call } from '../../aws/call';
import { paginate } from '../../aws/paginate';
import type { AwsPort } from '../../aws/port';
import type { MetricDataQuery } from '../../aws/types';
import type { AnalysisSide, MetricQuery, MetricQueryPlan, MetricResults } from '../../model/analysis';
import type { DeployPortsContext } from '../deploy-context';

function toSdkQuery(q: MetricQuery): MetricDataQuery {
  const out: MetricDataQuery = { Id: q.id, ReturnData: q.returnData, ...(q.label ? { Label: q.label } : {}) };
  if (q.expression !== undefined) return { ...out, Expression: q.expression };
  const m = q.metric!;
  return {
    ...out,
    MetricStat: {
      Metric: { Namespace: m.namespace, MetricName: m.name, Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })) },
      Period: m.periodSeconds,
      Stat: m.statistic,
    },
  };
}

/** GetMetricData for the plan's window, every page; values by query id, oldest first. */
export async function fetchMetricResults(clients: AwsPort, ctx: DeployPortsContext, plan: MetricQueryPlan): Promise<MetricResults> {
  const results: MetricResults = {};
  if (!plan.queries.length) return results;
  const pages = await paginate(
    (NextToken) =>
      call(ctx, `reading ${plan.queries.filter((q) => q.returnData).length} analysis metrics`, () =>
        clients.cloudWatch.GetMetricData({
            MetricDataQueries: plan.queries.map(toSdkQuery),
            StartTime: new Date(plan.startMs),
            EndTime: new Date(plan.endMs),
            ScanBy: 'TimestampAscending',
            NextToken,
          }),
      ),
    (page) => page.MetricDataResults,
  );
  for (const r of pages) {
    if (!r.Id) continue;
    const points = (r.Timestamps ?? []).map((t, i) => ({ t: new Date(t).getTime(), value: r.Values?.[i] ?? NaN }));
    (results[r.Id] ??= []).push(...points);
  }
  for (const points of Object.values(results)) points.sort((a, b) => a.t - b.t);
  return results;
}

/** `targetgroup/<name>/<id>` or `app/<name>/<id>`: the part of an ELBv2 ARN CloudWatch uses as a dimension. */
export function arnDimension(arn: string): string {
  return arn.split(':').slice(5).join(':').replace(/^loadbalancer\//, '');
}

/** One side's resources, from its group: its first target group (and that group's load balancer), else its Classic ELB. */
export async function resolveSide(clients: AwsPort, ctx: DeployPortsContext, group: string): Promise<AnalysisSide> {
  const out = await call(ctx, `describing group ${group} for analysis`, () =>
    clients.autoScaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: [group] }),
  );
  const asg = out.AutoScalingGroups?.[0];
  const side: AnalysisSide = { group };
  if (!asg) return side;
  const tgArn = asg.TargetGroupARNs?.[0];
  if (!tgArn) {
    const classic = asg.LoadBalancerNames?.[0];
    return classic ? { ...side, loadBalancer: classic } : side;
  }
  const tgs = await call(ctx, `describing target group ${arnDimension(tgArn)} for analysis`, () =>
    clients.elbv2.DescribeTargetGroups({ TargetGroupArns: [tgArn] }),
  );
  const lbArn = tgs.TargetGroups?.[0]?.LoadBalancerArns?.[0];
  return { ...side, targetGroup: arnDimension(tgArn), ...(lbArn ? { loadBalancer: arnDimension(lbArn) } : {}) };
}
