/**
 * manifests/deploy/ with several replicas (issue 13, item 4): every file parses, the replica
 * variants run 3 daemons on the DynamoDB backend with no volume for state, the probes, the
 * disruption budget and the ECS deployment settings hold, and state-table.yaml is exactly what
 * `stateTableCloudFormation` prints (regenerate it with UPDATE_DEPLOY=1).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { stateTableCloudFormation } from '../src/state/dynamo/table';
import { parseStateUrl } from '../src/state/url';

const DEPLOY = join(__dirname, '..', 'manifests', 'deploy');
const TABLE = 'drover-state';
const STATE_URL = `dynamodb://${TABLE}`;

function parseFile(name: string): any[] {
  const text = readFileSync(join(DEPLOY, name), 'utf8');
  if (name.endsWith('.json')) return [JSON.parse(text)];
  const docs = parseAllDocuments(text);
  for (const d of docs) expect({ name, errors: d.errors.map((e) => e.message) }).toEqual({ name, errors: [] });
  return docs.map((d) => d.toJS());
}

/** The state location a container is given: `--state X` in its args, else DROVER_STATE. */
function stateOf(args: string[], env: { name: string; value?: string }[]): string | undefined {
  const i = args.indexOf('--state');
  return i >= 0 ? args[i + 1] : env.find((e) => e.name === 'DROVER_STATE')?.value;
}

describe('manifests/deploy files', () => {
  const files = readdirSync(DEPLOY).filter((f) => /\.(ya?ml|json)$/.test(f));

  it('all parse as YAML or JSON', () => {
    expect(files).toEqual(expect.arrayContaining(['kubernetes.yaml', 'kubernetes-replicas.yaml', 'ecs-task-definition.json', 'ecs-task-definition-replicas.json', 'ecs-service-replicas.json', 'state-table.yaml']));
    for (const f of files) expect(parseFile(f).length).toBeGreaterThan(0);
  });

  it('has state-table.yaml equal to the generator output for dynamodb://drover-state', () => {
    const want = stateTableCloudFormation(TABLE);
    if (process.env.UPDATE_DEPLOY === '1') writeFileSync(join(DEPLOY, 'state-table.yaml'), want);
    expect(readFileSync(join(DEPLOY, 'state-table.yaml'), 'utf8')).toBe(want);
  });

  it('mentions every file in README.md', () => {
    const readme = readFileSync(join(DEPLOY, 'README.md'), 'utf8');
    for (const f of files) expect({ f, mentioned: readme.includes(`\`${f}\``) }).toEqual({ f, mentioned: true });
  });
});

describe('Kubernetes with 3 replicas', () => {
  const docs = parseFile('kubernetes-replicas.yaml');
  const deployment = docs.find((d) => d.kind === 'Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const labels = deployment.spec.selector.matchLabels;

  it('runs 3 replicas on the DynamoDB backend, in args and env alike', () => {
    expect(deployment.spec.replicas).toBe(3);
    expect(stateOf(container.args, [])).toBe(STATE_URL);
    expect(stateOf([], container.env)).toBe(STATE_URL);
    expect(parseStateUrl(stateOf(container.args, container.env)!)).toEqual({ kind: 'dynamodb', table: TABLE });
    expect(container.env.map((e: { name: string }) => e.name)).not.toContain('DROVER_STATE_DIR');
  });

  it('has no volume for state: no PVC, only the manifests ConfigMap and an emptyDir for /tmp', () => {
    expect(docs.filter((d) => d.kind === 'PersistentVolumeClaim')).toEqual([]);
    expect(pod.volumes.map((v: any) => Object.keys(v).filter((k) => k !== 'name')[0]).sort()).toEqual(['configMap', 'emptyDir']);
    expect(container.volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(['/manifests', '/tmp']);
    expect(container.volumeMounts.find((m: any) => m.mountPath === '/manifests').readOnly).toBe(true);
  });

  it('probes readiness on /readyz and liveness on /healthz', () => {
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
  });

  it('keeps 2 replicas through disruptions and spreads them across zones', () => {
    const pdb = docs.find((d) => d.kind === 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ minAvailable: 2, selector: { matchLabels: labels } });
    const terms = pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.map((t: any) => t.podAffinityTerm);
    expect(terms.find((t: any) => t.topologyKey === 'topology.kubernetes.io/zone').labelSelector.matchLabels).toEqual(labels);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  });
});

describe('ECS with 3 tasks', () => {
  const [task] = parseFile('ecs-task-definition-replicas.json');
  const [service] = parseFile('ecs-service-replicas.json');
  const container = task.containerDefinitions[0];

  it('runs 3 tasks of the replica task definition with the circuit breaker', () => {
    expect(service.desiredCount).toBe(3);
    expect(service.taskDefinition).toBe(task.family);
    expect(service.deploymentConfiguration.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
  });

  it('keeps at least 2 tasks and at most 4 during a deployment (ECS rounds the minimum up and the maximum down)', () => {
    const { minimumHealthyPercent, maximumPercent } = service.deploymentConfiguration;
    expect(Math.ceil((service.desiredCount * minimumHealthyPercent) / 100)).toBe(2);
    expect(Math.floor((service.desiredCount * maximumPercent) / 100)).toBe(4);
  });

  it('uses the DynamoDB backend with no state volume, and the daemon task role', () => {
    expect(stateOf(container.command, [])).toBe(STATE_URL);
    expect(stateOf([], container.environment)).toBe(STATE_URL);
    expect(container.environment.map((e: { name: string }) => e.name)).not.toContain('DROVER_STATE_DIR');
    expect(container.mountPoints.map((m: any) => m.containerPath).sort()).toEqual(['/manifests', '/tmp']);
    expect(task.volumes.map((v: any) => v.name).sort()).toEqual(['drover-manifests', 'tmp']);
    expect(JSON.stringify(task)).not.toMatch(/STATE_FILE_SYSTEM_ID|STATE_ACCESS_POINT_ID|\/var\/lib\/drover/);
    expect(task.taskRoleArn).toBe('arn:aws:iam::ACCOUNT_ID:role/drover-daemon');
  });

  it('checks liveness on /healthz in the container and readiness on /readyz through the target group', () => {
    expect(container.healthCheck.command.join(' ')).toContain('/healthz');
    expect(service.loadBalancers).toEqual([{ targetGroupArn: 'TARGET_GROUP_ARN', containerName: container.name, containerPort: 7390 }]);
    expect(readFileSync(join(DEPLOY, 'README.md'), 'utf8')).toContain('--health-check-path /readyz');
  });
});
