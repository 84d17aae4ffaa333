/** `spec.loadBalancer.type: application|network`: maps to DesiredElbV2; bad fields name FILE:LINE:COL and the field. */
import { loadManifestFile, loadManifestText } from './load';
import { example, minimalWith, problemsOf, textAt } from '../../test/support/manifest';

const ALB = {
  type: 'application',
  listener: { protocol: 'HTTP', port: 80 },
  targetGroup: { protocol: 'HTTP', port: 8080, healthCheck: { path: '/health', interval: '10s', timeout: '4s', healthyThreshold: 3, unhealthyThreshold: 2 }, deregistrationDelay: '30s' },
};

function alb(mutate: (lb: any) => void = () => undefined): string {
  return minimalWith((d) => {
    d.spec.loadBalancer = structuredClone(ALB);
    mutate(d.spec.loadBalancer);
  });
}

function only(text: string): { message: string; at: string; line: number } {
  const problems = problemsOf(text, 'shop.yaml');
  expect(problems.map((p) => p.message)).toHaveLength(1);
  return { message: problems[0]!.message, at: textAt(text, problems[0]!), line: problems[0]!.line };
}

describe('target group load balancer manifest', () => {
  it('maps listener, target group, health check and deregistration delay', () => {
    const [fleet] = loadManifestText(alb(), 'shop.yaml');
    expect(fleet!.loadBalancer.elbv2).toEqual({
      type: 'application',
      listener: { protocol: 'HTTP', port: 80 },
      targetGroup: {
        protocol: 'HTTP',
        port: 8080,
        healthCheck: { path: '/health', intervalSeconds: 10, timeoutSeconds: 4, healthyThreshold: 3, unhealthyThreshold: 2 },
        deregistrationDelaySeconds: 30,
      },
    });
    expect(fleet!.loadBalancer.listeners).toEqual([]);
    expect(fleet!.loadBalancer.healthCheck.target).toBe('HTTP:8080/health');
  });

  it('applies defaults: health check path /, 30s/5s, 5/2, 300s delay; no path on TCP', () => {
    const [fleet] = loadManifestText(alb((lb) => (lb.targetGroup = { protocol: 'HTTP', port: 80 })), 'shop.yaml');
    expect(fleet!.loadBalancer.elbv2!.targetGroup).toEqual({
      protocol: 'HTTP',
      port: 80,
      healthCheck: { path: '/', intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 5, unhealthyThreshold: 2 },
      deregistrationDelaySeconds: 300,
    });
    const nlb = alb((lb) => Object.assign(lb, { type: 'network', listener: { protocol: 'TCP', port: 443 }, targetGroup: { protocol: 'TCP', port: 443 } }));
    expect(loadManifestText(nlb, 'shop.yaml')[0]!.loadBalancer.elbv2!.targetGroup.healthCheck.path).toBeUndefined();
  });

  it('keeps a Classic ELB the default (no elbv2)', () => {
    const [fleet] = loadManifestText(minimalWith(() => undefined), 'shop.yaml');
    expect(fleet!.loadBalancer.elbv2).toBeUndefined();
    expect(fleet!.loadBalancer.listeners.length).toBeGreaterThan(0);
  });

  it('loads manifests/examples/magento-alb.yaml', () => {
    const [fleet] = loadManifestFile(example('magento-alb.yaml'));
    expect(fleet!.name).toBe('magento-alb');
    expect(fleet!.loadBalancer.elbv2?.targetGroup.healthCheck.path).toBe('/health_check.php');
  });

  it.each<[string, (lb: any) => void, string, string]>([
    ['timeout not below interval', (lb) => (lb.targetGroup.healthCheck.timeout = '10s'), 'spec.loadBalancer.targetGroup.healthCheck: timeout (10s) must be less than interval (10s)', '10s'],
    ['TCP target group on an ALB', (lb) => (lb.targetGroup = { protocol: 'TCP', port: 80 }), 'spec.loadBalancer.targetGroup.protocol: TCP is not a target group protocol of an application load balancer; use HTTP or HTTPS', 'TCP'],
    ['HTTP listener on an NLB', (lb) => Object.assign(lb, { type: 'network', targetGroup: { protocol: 'TCP', port: 80 } }), 'spec.loadBalancer.listener.protocol: HTTP is not a protocol of a network load balancer; use TCP or TLS', 'HTTP'],
    ['HTTPS listener without a certificate', (lb) => (lb.listener.protocol = 'HTTPS'), 'spec.loadBalancer.listener: a HTTPS listener needs "certificateArn"', 'protocol: HTTPS'],
    ['a Classic field beside type application', (lb) => (lb.crossZone = true), 'spec.loadBalancer.crossZone: is a Classic ELB field; with type application, remove it', 'crossZone'],
    ['Classic listeners beside type application', (lb) => (lb.listeners = [{ protocol: 'HTTP', port: 80, instanceProtocol: 'HTTP', instancePort: 80 }]), 'spec.loadBalancer.listeners: is a Classic ELB field; with type application, use "listener"', 'listeners'],
  ])('%s', (_name, mutate, message, at) => {
    const got = only(alb(mutate));
    expect(got.message).toBe(message);
    expect(got.at.startsWith(at)).toBe(true);
    expect(got.line).toBeGreaterThan(0);
  });

  it('an ALB without targetGroup is a schema error naming the field', () => {
    const problems = problemsOf(alb((lb) => delete lb.targetGroup), 'shop.yaml');
    expect(problems.map((p) => p.message).join('\n')).toMatch(/targetGroup/);
  });

  it('a Classic ELB with a target group is refused', () => {
    const text = minimalWith((d) => (d.spec.loadBalancer.targetGroup = ALB.targetGroup));
    expect(problemsOf(text, 'shop.yaml').map((p) => p.message)).toContain('spec.loadBalancer.targetGroup: needs type application or network (a Classic ELB uses "listeners" and "healthCheck")');
  });
});
