/** Map a schema-valid ELBv2 `spec.loadBalancer` (type application or network) to DesiredElbV2. */
import type { DesiredElbV2 } from '../model/fleet';
import { parseDuration } from '../util/clock';
import { TARGET_GROUP_DEFAULTS as D } from './schema-target-group';

/* The input has passed the schema and semantic checks. */
type Raw = any;

const secs = (text: string): number => parseDuration(text) ?? 0;

export function toElbV2(lb: Raw): DesiredElbV2 {
  const tg = lb.targetGroup;
  const hc = tg.healthCheck ?? {};
  const listener: DesiredElbV2['listener'] = { protocol: lb.listener.protocol, port: lb.listener.port };
  if (lb.listener.certificateArn !== undefined) listener.certificateArn = lb.listener.certificateArn;
  const path = tg.protocol === 'TCP' ? undefined : (hc.path ?? '/');
  return {
    type: lb.type,
    listener,
    targetGroup: {
      protocol: tg.protocol,
      port: tg.port,
      healthCheck: {
        ...(path !== undefined ? { path } : {}),
        intervalSeconds: secs(hc.interval ?? D.interval),
        timeoutSeconds: secs(hc.timeout ?? D.timeout),
        healthyThreshold: hc.healthyThreshold ?? D.healthyThreshold,
        unhealthyThreshold: hc.unhealthyThreshold ?? D.unhealthyThreshold,
      },
      deregistrationDelaySeconds: secs(tg.deregistrationDelay ?? D.deregistrationDelay),
    },
  };
}
