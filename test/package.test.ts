/**
 * Packaging checks that need no Docker engine or cluster: the Dockerfile, the deploy manifests
 * and package.json agree with each other and with the code (scripts, CLI commands, ports,
 * queue names, state directory).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { MAX_RECEIVE_COUNT } from '../src/providers/events/ensure-queue';
import { DAEMON_NODE_FLAGS } from '../src/bench/scale-rss';

const ROOT = join(__dirname, '..');
const DEPLOY = join(ROOT, 'manifests', 'deploy');
const read = (...p: string[]) => readFileSync(join(ROOT, ...p), 'utf8');
const pkg = JSON.parse(read('package.json'));

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function dockerInstructions(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^(\w+)\s+(.*)$/.exec(l)!;
      return { op: m[1].toUpperCase(), args: m[2] };
    });
}

/** Subcommand names registered with `.command('<name> ...')` under src/main. */
function cliCommands(): Set<string> {
  const dir = join(ROOT, 'src', 'main');
  const names = new Set<string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts') && !x.endsWith('.test.ts'))) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/\.command\(\s*['"`]([a-z][\w-]*)/g)) names.add(m[1]);
  }
  return names;
}

function yamlDocs(file: string): any[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const d of docs) expect({ file, errors: d.errors.map((e) => e.message) }).toEqual({ file, errors: [] });
  return docs.map((d) => d.toJS());
}

const dockerfile = dockerInstructions(read('Dockerfile'));
const stages = dockerfile.reduce<Instruction[][]>((acc, ins) => (ins.op === 'FROM' ? [...acc, [ins]] : (acc[acc.length - 1].push(ins), acc)), []);
const runtime = stages[stages.length - 1];
const jsonArgs = (op: string) => JSON.parse(runtime.find((i) => i.op === op)!.args) as string[];

const k8s = yamlDocs(join(DEPLOY, 'kubernetes.yaml'));
const deployment = k8s.find((d) => d.kind === 'Deployment');
const container = deployment.spec.template.spec.containers[0];
const ecs = JSON.parse(readFileSync(join(DEPLOY, 'ecs-task-definition.json'), 'utf8'));
const ecsContainer = ecs.containerDefinitions[0];
const cfn = yamlDocs(join(DEPLOY, 'cloudformation-events.yaml'))[0];

describe('Dockerfile', () => {
  it('builds in one stage and runs on node:22 in another, as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime[0].args).toMatch(/^node:22([.-]|\s|$)/);
    const users = runtime.filter((i) => i.op === 'USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users[users.length - 1]);
  });

  it('checks /healthz on the port it exposes and listens on', () => {
    const health = runtime.find((i) => i.op === 'HEALTHCHECK')!;
    expect(health.args).toMatch(/CMD .*\/healthz/);
    const port = runtime.find((i) => i.op === 'EXPOSE')!.args.trim();
    expect(health.args).toContain(`:${port}/healthz`);
    expect(jsonArgs('CMD').join(' ')).toContain(`:${port}`);
  });

  it('runs an init as PID 1 that forwards signals', () => {
    const entry = jsonArgs('ENTRYPOINT');
    expect(entry[0]).toMatch(/tini$/);
    expect(runtime.some((i) => i.op === 'RUN' && /apt-get install[^&]*\btini\b/.test(i.args))).toBe(true);
  });

  it('starts the package bin through node', () => {
    const entry = jsonArgs('ENTRYPOINT');
    // node with the daemon's memory flags (the ones the scale bench measures RSS with), then the bin.
    expect(entry.slice(-2 - DAEMON_NODE_FLAGS.length)).toEqual(['node', ...DAEMON_NODE_FLAGS, pkg.bin.drover]);
  });

  it('uses only npm scripts that package.json defines', () => {
    const runs = dockerfile.filter((i) => i.op === 'RUN').map((i) => i.args).join(' && ');
    for (const m of runs.matchAll(/npm run(?:-script)? ([\w:-]+)/g)) expect(Object.keys(pkg.scripts)).toContain(m[1]);
    if (/\bnpm ci\b/.test(runs)) {
      // `npm ci` runs `prepare`, which must reach a script that exists.
      expect(pkg.scripts.prepare).toBeDefined();
      for (const m of String(pkg.scripts.prepare).matchAll(/npm run ([\w:-]+)/g)) expect(Object.keys(pkg.scripts)).toContain(m[1]);
      const copied = dockerfile.filter((i) => i.op === 'COPY').map((i) => i.args).join(' ');
      expect(copied).toContain('package-lock.json');
    }
    if (/\bnpm prune\b/.test(runs)) expect(runs).toMatch(/npm prune --omit=dev/);
  });

  it('copies only paths that exist, and the build output the bin loads', () => {
    for (const ins of dockerfile.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const parts = ins.args.split(/\s+/);
      for (const src of parts.slice(0, -1)) expect({ src, exists: existsSync(join(ROOT, src)) }).toEqual({ src, exists: true });
    }
    const build = JSON.parse(read('tsconfig.build.json')).compilerOptions;
    expect(runtime.some((i) => i.op === 'COPY' && i.args.includes(`/app/${build.outDir}`))).toBe(true);
    const required = /require\('\.\.\/dist\/(.+?)\.js'\)/.exec(read(pkg.bin.drover))![1];
    expect(existsSync(join(ROOT, build.rootDir, `${required}.ts`))).toBe(true);
  });
});

describe('deploy artifacts run a registered CLI subcommand', () => {
  const commands = cliCommands();
  const mainDir = join(ROOT, 'src', 'main');
  const mainSource = readdirSync(mainDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => readFileSync(join(mainDir, f), 'utf8'))
    .join('\n');
  it.each([
    ['Dockerfile CMD', () => jsonArgs('CMD')],
    ['ECS command', () => ecsContainer.command as string[]],
    ['Kubernetes args', () => container.args as string[]],
  ])('%s', (_what, argv) => {
    expect(commands.has('validate')).toBe(true);
    expect([...commands]).toContain(argv()[0]);
    // Its long options are declared somewhere under src/main (`--listen <addr>`, ...).
    for (const flag of argv().filter((a) => a.startsWith('--'))) expect({ flag, declared: mainSource.includes(`${flag} `) }).toEqual({ flag, declared: true });
  });

  it('all run the same daemon on port 7390 with the same queue, as the packaged version', () => {
    expect(ecsContainer.command).toEqual(container.args);
    expect(ecsContainer.command).toEqual(expect.arrayContaining(['--listen', '0.0.0.0:7390', '--queue', cfn.Parameters.QueueName.Default]));
    expect(ecsContainer.image).toBe(`ghcr.io/drover-dev/drover:${pkg.version}`);
    expect(container.image).toBe(ecsContainer.image);
  });
});

describe('ECS task definition', () => {
  it('is a 256/512 Fargate task with a curl-free health check and awslogs', () => {
    expect(ecs.requiresCompatibilities).toEqual(['FARGATE']);
    expect([ecs.cpu, ecs.memory]).toEqual(['256', '512']);
    expect(ecsContainer.portMappings[0].containerPort).toBe(7390);
    expect(ecsContainer.healthCheck.command.join(' ')).toMatch(/^CMD node -e .*\/healthz/);
    expect(ecsContainer.healthCheck.command.join(' ')).not.toMatch(/curl|wget/);
    expect(ecsContainer.logConfiguration.logDriver).toBe('awslogs');
    expect(ecsContainer.stopTimeout).toBe(60);
    expect(ecs.taskRoleArn).toMatch(/^arn:aws:iam::/);
    expect(ecs.executionRoleArn).toMatch(/^arn:aws:iam::/);
  });

  it('keeps the state directory on EFS and takes the webhook token from Secrets Manager', () => {
    const stateDir = ecsContainer.environment.find((e: any) => e.name === 'DROVER_STATE_DIR').value;
    const mount = ecsContainer.mountPoints.find((m: any) => m.containerPath === stateDir);
    const volume = ecs.volumes.find((v: any) => v.name === mount.sourceVolume);
    expect(volume.efsVolumeConfiguration.transitEncryption).toBe('ENABLED');
    const token = ecsContainer.secrets.find((s: any) => s.name === 'DROVER_WEBHOOK_TOKEN');
    expect(token.valueFrom).toMatch(/^arn:aws:secretsmanager:/);
  });
});

describe('Kubernetes manifests', () => {
  it('runs one hardened replica with probes and resources', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  });

  it('mounts the claimed volume at the state directory and serves 7390 through the Service', () => {
    const pod = deployment.spec.template.spec;
    const stateDir = container.env.find((e: any) => e.name === 'DROVER_STATE_DIR').value;
    const mount = container.volumeMounts.find((m: any) => m.mountPath === stateDir);
    const claim = pod.volumes.find((v: any) => v.name === mount.name).persistentVolumeClaim.claimName;
    expect(k8s.some((d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === claim)).toBe(true);
    const service = k8s.find((d) => d.kind === 'Service');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports[0].port).toBe(7390);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    const sa = k8s.find((d) => d.kind === 'ServiceAccount');
    expect(pod.serviceAccountName).toBe(sa.metadata.name);
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::/);
  });
});

describe('CloudFormation event template', () => {
  const res = cfn.Resources;
  const byType = (t: string) => Object.entries<any>(res).filter(([, r]) => r.Type === t);

  it('has the queue redriving to a 14-day dead-letter queue after as many receives as the daemon uses', () => {
    const [queueId, queue] = Object.entries<any>(res).find(([, r]) => r.Type === 'AWS::SQS::Queue' && r.Properties.RedrivePolicy)!;
    expect(queue.Properties.QueueName).toEqual({ Ref: 'QueueName' });
    const dlqId = queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
    expect(res[dlqId].Properties.QueueName).toEqual({ 'Fn::Sub': '${QueueName}-dlq' });
    expect(res[dlqId].Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(MAX_RECEIVE_COUNT);
    expect(Object.keys(cfn.Outputs)).toEqual(expect.arrayContaining(['QueueUrl', 'QueueArn', 'DlqUrl']));
    expect(cfn.Outputs.QueueUrl.Value).toEqual({ Ref: queueId });
  });

  it('routes lifecycle actions, alarm and instance state changes to the queue, and only those rules may send', () => {
    const rules = byType('AWS::Events::Rule');
    const patterns = rules.map(([, r]) => r.Properties.EventPattern);
    expect(patterns).toEqual(
      expect.arrayContaining([
        { source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance-launch Lifecycle Action', 'EC2 Instance-terminate Lifecycle Action'] },
        { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] },
        { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
      ]),
    );
    for (const [, r] of rules) expect(r.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['EventQueue', 'Arn'] });
    const [, policy] = byType('AWS::SQS::QueuePolicy')[0];
    const st = policy.Properties.PolicyDocument.Statement[0];
    expect(st.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(st.Action).toBe('sqs:SendMessage');
    expect(st.Condition.ArnEquals['aws:SourceArn']).toEqual(rules.map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] })));
  });
});

describe('every deploy file parses', () => {
  it.each(readdirSync(DEPLOY).filter((f) => /\.(json|ya?ml)$/.test(f)))('%s', (f) => {
    const text = readFileSync(join(DEPLOY, f), 'utf8');
    if (f.endsWith('.json')) expect(() => JSON.parse(text)).not.toThrow();
    else expect(yamlDocs(join(DEPLOY, f)).length).toBeGreaterThan(0);
  });
});

describe('package.json', () => {
  it('supports node >=20, pins typescript 6.0 and points bin at a script', () => {
    expect(pkg.engines.node).toBe('>=20');
    expect(pkg.devDependencies.typescript).toMatch(/^[\^~]?6\.0\./);
    expect(JSON.parse(read('node_modules', 'typescript', 'package.json')).version).toMatch(/^6\.0\./);
    expect(existsSync(join(ROOT, pkg.bin.drover))).toBe(true);
    expect(read(pkg.bin.drover).startsWith('#!/usr/bin/env node')).toBe(true);
  });
});
