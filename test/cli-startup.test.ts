/**
 * Start-up stays cheap: status commands reading local state, `--version` and `--help` load no
 * AWS SDK (nor the other heavy packages), because commands and SDK clients load on first use.
 * Each heavy package is wrapped in a recording mock, so loading it is observed, not timed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const HEAVY = [
  '@aws-sdk/client-auto-scaling', '@aws-sdk/client-cloudwatch', '@aws-sdk/client-ec2', '@aws-sdk/client-efs',
  '@aws-sdk/client-elastic-load-balancing', '@aws-sdk/client-sqs', '@aws-sdk/core',
  'xstate', 'ajv', 'pino', 'prom-client', 'yaml',
];
const EXAMPLE = path.join(__dirname, '..', 'manifests', 'examples', 'minimal.yaml');

/** Run the CLI in a fresh module registry; returns the heavy packages it loaded and its exit code. */
async function loadedBy(args: string[]): Promise<{ loaded: string[]; code: number; stdout: string }> {
  const loaded: string[] = [];
  jest.resetModules();
  for (const name of HEAVY) {
    jest.doMock(name, () => {
      loaded.push(name);
      return jest.requireActual(name);
    });
  }
  let stdout = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = undefined;
  try {
    const { main } = await import('../src/main/cli');
    await main(['node', 'drover', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { loaded: [...new Set(loaded)].sort(), code, stdout };
}

describe('CLI start-up', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-startup-'));
  });
  afterEach(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it.each([
    [['--version']],
    [['--help']],
    [['help', 'get']],
    [['get', 'fleets']],
    [['get', 'fleets', '-o', 'json']],
    [['get', 'deployments', '--no-headers']],
    [['describe', 'fleet', 'magento']],
    [['events']],
    [['--log-level', 'debug', 'rollout', 'status', 'magento']],
    [['rollout', 'history', 'magento']],
    [['get', 'fleets', '-l', 'team=shop,tier!=internal', '--show-labels']],
    [['rollout', 'status', '-l', 'team=shop', '-o', 'json']],
  ])('drover %j on an empty state dir loads no SDK, xstate, ajv, pino, prom-client or yaml', async (args) => {
    const run = await loadedBy([...args, '--state-dir', stateDir]);
    expect(run.loaded).toEqual([]);
  });

  it('the detector sees what other commands load: the SDK for the simulated account, ajv and yaml for validate, xstate for diagrams', async () => {
    expect((await loadedBy(['sim', 'advance', '1m', '--state-dir', stateDir])).loaded).toEqual(expect.arrayContaining(['@aws-sdk/client-ec2', '@aws-sdk/client-sqs']));
    const validate = await loadedBy(['validate', EXAMPLE]);
    expect(validate.code).toBe(0);
    expect(validate.loaded).toEqual(expect.arrayContaining(['ajv', 'yaml']));
    expect(validate.loaded.filter((m) => m.startsWith('@aws-sdk/'))).toEqual([]);
    expect((await loadedBy(['rollout', 'diagram'])).loaded).toContain('xstate');
  });

  it('--help lists every command exactly as the fully loaded program does', async () => {
    jest.resetModules();
    const { buildProgram } = await import('../src/main/cli');
    const full = (await buildProgram()).helpInformation();
    const lazy = (await buildProgram(['node', 'drover', '--help'])).helpInformation();
    expect(lazy).toEqual(full);
    expect(full).toContain('rollout ');
  });

  it('a status command still shows the version and its own help', async () => {
    expect((await loadedBy(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await loadedBy(['get', 'fleets', '--help']);
    expect(help.stdout).toContain('--output <format>');
    expect(help.code).toBe(0);
  });
});

describe('CLI command loading', () => {
  it('answers an unknown command as before (usage error, exit 2), loading every command to suggest one', async () => {
    const { main } = await import('../src/main/cli');
    let stderr = '';
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    try {
      await main(['node', 'drover', 'gett', 'fleets']);
    } finally {
      err.mockRestore();
    }
    expect(process.exitCode).toBe(2);
    process.exitCode = undefined;
    expect(stderr).toContain("unknown command 'gett'");
    expect(stderr).toContain('get');
  });
});
