/**
 * Observe CloudWatch alarms named with the fleet's prefix. Ownership comes from tags, read
 * once per alarm configuration and cached, so steady state costs one DescribeAlarms.
 */
import { paginate } from '../../aws/paginate';
import { call } from '../../aws/call';
import type { MetricAlarm } from '../../aws/types';
import { isOwnedBy, resourceNames } from '../../model/names';
import type { NameConflict, ObservedAlarm, Tags } from '../../model/observed';
import type { AwsPort } from '../../aws/port';
import { tagsFromList } from '../../aws/tags';
import type { Reader } from '../observe-context';

export interface AlarmsObservation {
  alarms: ObservedAlarm[];
  conflicts: NameConflict[];
}

export async function observeAlarms(clients: AwsPort, fleet: string, r: Reader): Promise<AlarmsObservation> {
  const names = resourceNames(fleet);
  const wanted = new Set([names.scaleOutAlarm, names.scaleInAlarm]);
  const found = await describeAlarms(clients, names.alarmPrefix, r);
  const alarms: ObservedAlarm[] = [];
  const conflicts: NameConflict[] = [];
  const alive = new Set<string>();
  for (const a of found) {
    const key = cacheKey(a);
    alive.add(key);
    const tags = await alarmTags(clients, a, key, r);
    if (isOwnedBy(tags, fleet)) alarms.push(toObservedAlarm(a, tags));
    else if (wanted.has(a.AlarmName ?? '')) conflicts.push({ resourceType: 'alarm', name: a.AlarmName ?? '' });
  }
  r.ctx.cache.prune(`alarm:${names.alarmPrefix}`, alive);
  return { alarms, conflicts };
}

async function describeAlarms(clients: AwsPort, prefix: string, r: Reader): Promise<MetricAlarm[]> {
  return paginate(
    (NextToken) =>
      call(r, `describing alarms named ${prefix}*`, () => clients.cloudWatch.DescribeAlarms({ AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm'], NextToken })),
    (page) => page.MetricAlarms,
  );
}

/** Keyed by name and configuration time: a re-put or replaced alarm is re-read. */
function cacheKey(a: MetricAlarm): string {
  const updated = a.AlarmConfigurationUpdatedTimestamp ? new Date(a.AlarmConfigurationUpdatedTimestamp).toISOString() : '';
  return `alarm:${a.AlarmName ?? ''}:${a.AlarmArn ?? ''}:${updated}`;
}

async function alarmTags(clients: AwsPort, a: MetricAlarm, key: string, r: Reader): Promise<Tags> {
  const cached = r.ctx.cache.tags.get(key);
  if (cached) return cached;
  const out = await call(r, `listing tags of alarm ${a.AlarmName}`, () =>
    clients.cloudWatch.ListTagsForResource({ ResourceARN: a.AlarmArn }),
  );
  const tags = tagsFromList(out.Tags);
  // Foreign alarms are cached too: they share the prefix and would be re-read on every pass.
  r.ctx.cache.tags.set(key, tags);
  return tags;
}

function toObservedAlarm(a: MetricAlarm, tags: Tags): ObservedAlarm {
  const state = a.StateValue === 'ALARM' || a.StateValue === 'OK' ? a.StateValue : 'INSUFFICIENT_DATA';
  const dimensions: Record<string, string> = {};
  for (const d of a.Dimensions ?? []) if (d.Name) dimensions[d.Name] = d.Value ?? '';
  return {
    name: a.AlarmName ?? '',
    arn: a.AlarmArn ?? '',
    tags,
    metric: a.MetricName ?? '',
    namespace: a.Namespace ?? '',
    comparison: a.ComparisonOperator ?? '',
    threshold: a.Threshold ?? 0,
    periods: a.EvaluationPeriods ?? 0,
    periodSeconds: a.Period ?? 0,
    statistic: a.Statistic ?? '',
    dimensions,
    actions: a.AlarmActions ?? [],
    state,
    ...(a.StateReason ? { stateReason: a.StateReason } : {}),
  };
}

