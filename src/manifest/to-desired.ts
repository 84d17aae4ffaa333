/**
 * Map a schema-valid, semantically checked manifest document to a DesiredFleet,
 * applying the defaults the schema documents.
 */
import type { BakeRecipe, CanaryPolicy, CanaryStep, DeployPolicy, DesiredFleet, DesiredLoadBalancer, Listener, ScalingRule } from '../model/fleet';
import { parseDuration } from '../util/clock';
import { DEFAULTS } from './schema-defaults';
import { toAnalysis } from './to-analysis';
import { toElbV2 } from './to-desired-target-group';

/* The input has passed the schema, so field access below is safe; `any` keeps this file readable. */
type Raw = any;

function secs(text: string): number {
  return parseDuration(text) ?? 0;
}

function toBake(b: Raw): BakeRecipe {
  return {
    baseAmi: b.baseAmi,
    repository: b.repository,
    branch: b.branch,
    buildScript: b.buildScript,
    builderInstanceType: b.builderInstanceType ?? DEFAULTS.builderInstanceType,
    timeoutSeconds: secs(b.timeout ?? DEFAULTS.bakeTimeout),
    from: b.from ?? DEFAULTS.bakeFrom,
  };
}

function toListener(l: Raw): Listener {
  const out: Listener = { protocol: l.protocol, port: l.port, instanceProtocol: l.instanceProtocol, instancePort: l.instancePort };
  if (l.sslCertificateId !== undefined) out.sslCertificateId = l.sslCertificateId;
  return out;
}

function toLoadBalancer(lb: Raw, fleetName: string): DesiredLoadBalancer {
  if (lb.type === 'application' || lb.type === 'network') return toElbV2LoadBalancer(lb, fleetName);
  const hc = lb.healthCheck;
  return {
    name: lb.name ?? fleetName,
    listeners: lb.listeners.map(toListener),
    healthCheck: {
      target: hc.target,
      intervalSeconds: secs(hc.interval),
      timeoutSeconds: secs(hc.timeout),
      healthyThreshold: hc.healthyThreshold,
      unhealthyThreshold: hc.unhealthyThreshold,
    },
    connectionDrainingSeconds: secs(lb.connectionDraining ?? DEFAULTS.connectionDraining),
    crossZone: lb.crossZone ?? DEFAULTS.crossZone,
    healthCheckGracePeriodSeconds: secs(lb.healthCheckGracePeriod ?? DEFAULTS.healthCheckGracePeriod),
  };
}

/** An ALB/NLB: no Classic listeners; the Classic-shaped health check mirrors the target group's (for status). */
function toElbV2LoadBalancer(lb: Raw, fleetName: string): DesiredLoadBalancer {
  const elbv2 = toElbV2(lb);
  const tg = elbv2.targetGroup;
  return {
    name: lb.name ?? fleetName,
    elbv2,
    listeners: [],
    healthCheck: {
      target: `${tg.protocol}:${tg.port}${tg.healthCheck.path ?? ''}`,
      intervalSeconds: tg.healthCheck.intervalSeconds,
      timeoutSeconds: tg.healthCheck.timeoutSeconds,
      healthyThreshold: tg.healthCheck.healthyThreshold,
      unhealthyThreshold: tg.healthCheck.unhealthyThreshold,
    },
    connectionDrainingSeconds: tg.deregistrationDelaySeconds,
    crossZone: true,
    healthCheckGracePeriodSeconds: secs(lb.healthCheckGracePeriod ?? DEFAULTS.healthCheckGracePeriod),
  };
}

function toRule(r: Raw): ScalingRule {
  return {
    metric: r.metric ?? DEFAULTS.scalingMetric,
    threshold: r.threshold,
    periods: r.periods,
    periodSeconds: secs(r.period),
    adjustment: r.adjustment,
    cooldownSeconds: secs(r.cooldown ?? DEFAULTS.scalingCooldown),
  };
}

/** The canary's steps as given, ending at weight 100 (appended when the manifest stops short). */
function toCanary(c: Raw): CanaryPolicy {
  const steps: CanaryStep[] = c.steps.map((s: Raw): CanaryStep => (s.setWeight !== undefined ? { setWeight: s.setWeight } : { pauseSeconds: secs(s.pause) }));
  const weights = steps.filter((s): s is { setWeight: number } => 'setWeight' in s);
  if (weights[weights.length - 1]?.setWeight !== 100) steps.push({ setWeight: 100 });
  return { steps, onAbort: c.onAbort ?? DEFAULTS.canaryOnAbort, analysisIntervalSeconds: secs(c.analysisInterval ?? DEFAULTS.canaryAnalysisInterval) };
}

function toDeploy(d: Raw = {}): DeployPolicy {
  return {
    strategy: d.strategy ?? DEFAULTS.deployStrategy,
    healthyTimeoutSeconds: secs(d.healthyTimeout ?? DEFAULTS.deployHealthyTimeout),
    soakSeconds: secs(d.soak ?? DEFAULTS.deploySoak),
    keepPreviousSeconds: secs(d.keepPrevious ?? DEFAULTS.deployKeepPrevious),
    rollbackOnAlarms: [...(d.rollbackOnAlarms ?? DEFAULTS.deployRollbackOnAlarms)],
    minHealthyPercent: d.minHealthyPercent ?? DEFAULTS.deployMinHealthyPercent,
    ...(d.analysis !== undefined ? { analysis: toAnalysis(d.analysis) } : {}),
    ...(d.canary ? { canary: toCanary(d.canary) } : {}),
  };
}

function toOptional(spec: Raw): Pick<DesiredFleet, 'storage' | 'scaling' | 'events'> {
  const out: Pick<DesiredFleet, 'storage' | 'scaling' | 'events'> = {};
  if (spec.storage) {
    const efs = spec.storage.efs;
    out.storage = {
      efs: {
        name: efs.name,
        mountPath: efs.mountPath,
        encrypted: efs.encrypted ?? DEFAULTS.efsEncrypted,
        performanceMode: efs.performanceMode ?? DEFAULTS.efsPerformanceMode,
      },
    };
  }
  if (spec.scaling) out.scaling = { scaleOut: toRule(spec.scaling.scaleOut), scaleIn: toRule(spec.scaling.scaleIn) };
  if (spec.events) out.events = { queue: spec.events.queue };
  return out;
}

/** Build the DesiredFleet for a valid document that starts at `line` of `file`. */
export function toDesiredFleet(doc: Raw, file: string, line: number): DesiredFleet {
  const { metadata, spec } = doc;
  const instances: DesiredFleet['instances'] = { type: spec.instances.type };
  if (spec.instances.keyName !== undefined) instances.keyName = spec.instances.keyName;
  if (spec.instances.userData !== undefined) instances.userData = spec.instances.userData;
  const image: DesiredFleet['image'] = {};
  if (spec.image.ami !== undefined) image.ami = spec.image.ami;
  if (spec.image.bake !== undefined) image.bake = toBake(spec.image.bake);
  image.retain = spec.image.retain ?? DEFAULTS.imageRetain;
  const { min, max } = spec.capacity;
  return {
    name: metadata.name,
    source: { file, line },
    labels: { ...(metadata.labels ?? {}) },
    region: spec.region,
    network: { subnets: [...spec.network.subnets], securityGroups: [...spec.network.securityGroups] },
    image,
    instances,
    capacity: { min, max, desired: spec.capacity.desired ?? min, ...(spec.capacity.allowZero ? { allowZero: true } : {}) },
    loadBalancer: toLoadBalancer(spec.loadBalancer, metadata.name),
    ...toOptional(spec),
    deploy: toDeploy(spec.deploy),
    ...(spec.deletion ? { deletion: true } : {}),
  };
}
