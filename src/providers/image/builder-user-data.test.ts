import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBakeResult } from './bake-result';
import { renderBuilderScript, shellQuote } from './builder-user-data';

/** A local git repository with one commit, and a PATH whose `shutdown` only records that it ran. */
function sandbox() {
  const dir = mkdtempSync(join(tmpdir(), 'drover-builder-'));
  const repo = join(dir, 'repo');
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '-q', repo]);
  writeFileSync(join(repo, 'composer.json'), '{"name":"shop/magento"}\n');
  git('add', '.');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'first');
  const commit = git('rev-parse', 'HEAD');
  const bin = join(dir, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'shutdown'), `#!/bin/sh\necho "$@" > ${join(dir, 'shutdown.log')}\n`);
  chmodSync(join(bin, 'shutdown'), 0o755);
  return { dir, repo, commit, bin };
}

function runBuilder(buildScript: string) {
  const s = sandbox();
  const paths = { work: join(s.dir, 'work'), log: join(s.dir, 'build.log'), console: join(s.dir, 'console') };
  const script = renderBuilderScript({ fleet: 'shop', commit: s.commit, repository: s.repo, branch: 'main', buildScript }, paths);
  writeFileSync(join(s.dir, 'user-data'), script);
  execFileSync('bash', [join(s.dir, 'user-data')], { env: { ...process.env, PATH: `${s.bin}:${process.env.PATH}` } });
  return { ...s, script, console: readFileSync(paths.console, 'utf8'), shutdown: readFileSync(join(s.dir, 'shutdown.log'), 'utf8').trim() };
}

describe('the builder script', () => {
  it('exports the commit on a line the simulated account recognises', () => {
    const script = renderBuilderScript({ fleet: 'shop', commit: 'abc123', repository: "git@x:o/r.git", branch: "it's", buildScript: 'true' });
    expect(script).toMatch(/^export DROVER_COMMIT=abc123$/m);
    expect(script).toContain(`export DROVER_BRANCH='it'\\''s'`);
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
  });

  it('checks out the commit, runs the build there, reports success and powers off', () => {
    const run = runBuilder('test -f composer.json && echo "built $DROVER_COMMIT on $DROVER_BRANCH"\n');
    expect(run.console).toContain(`built ${run.commit} on main`);
    expect(parseBakeResult(run.console, run.commit)).toEqual({ marker: 'success', message: 'build succeeded', commit: run.commit });
    expect(run.shutdown).toBe('-h now');
  });

  it('reports the exit code and last log line of a failing build, quotes escaped', () => {
    const run = runBuilder('echo \'composer: "magento/product" \\ conflict\' >&2\nexit 3\n');
    expect(parseBakeResult(run.console, run.commit)).toEqual({
      marker: 'failure',
      message: 'build script exited with 3: composer: "magento/product" \\ conflict',
      commit: run.commit,
    });
  });

  it('quotes only what needs quoting', () => {
    expect(shellQuote('git@gitlab.example.com:shop/magento.git')).toBe('git@gitlab.example.com:shop/magento.git');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });
});
