/**
 * `drover demo --once` is the smoke test of the whole story: every step's check must hold. Its run
 * is also where the timeline pictures in docs/ come from: the blue/green swap, the rolled-back swap
 * and the canary its analysis stopped, drawn from the fleet's recorded status and events, rendered to
 * PNG, checked, and with DROVER_UPDATE_DOCS=1 written to docs/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeploymentStatus, FleetStatus } from '../src/model/fleet-status';
import { renderTimelineSvg } from '../src/status';
import { MARKER_COLORS, VERDICT_COLORS } from '../src/status/timeline-markers';
import { formatDuration } from '../src/util/clock';
import { drover } from './support/cli';
import { columnsWithColor, rasterize } from './support/svg-png';

const DOCS = path.join(__dirname, '..', 'docs');

/** The marker whose title starts with `text`: its time (seconds since the start, as written) and x. */
function marker(svg: string, kind: string, text: string): { at: string; x: number } | undefined {
  const m = svg.match(new RegExp(`<g class="marker marker-${kind}[^"]*"><title>${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^<]* at \\+([^<]+)</title>(?:<rect[^>]*/>)?<line x1="([\\d.]+)"`));
  return m ? { at: m[1], x: Number(m[2]) } : undefined;
}

const since = (d: DeploymentStatus, at: string) => `${formatDuration((Date.parse(at) - Date.parse(d.startedAt)) / 1000)}`;

/** A marker's colour is drawn around its x in the rendered picture. */
function drawnAt(png: ReturnType<typeof rasterize>, color: string, x: number): boolean {
  return columnsWithColor(png, color, 120, png.height - 60).some((c) => Math.abs(c - x) <= 2);
}

describe('drover demo --once', () => {
  let dir: string;
  let run: Awaited<ReturnType<typeof drover>>;
  let status: FleetStatus;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-demo-test-'));
    run = await drover('demo', '--once', '--listen', '127.0.0.1:0', '--state-dir', dir);
    // What a second terminal would show: the fleet's status, written by the daemon.
    status = JSON.parse(fs.readFileSync(path.join(dir, 'state', 'fleets', 'magento-marketplace.json'), 'utf8')).sections.status;
  }, 240_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('plays every step and exits 0', () => {
    expect(run.stdout).toMatch(/6 of 6 steps held/);
    expect(run.stdout).not.toMatch(/FAILED/);
    expect(run.code).toBe(0);
    expect(status.history.map((d) => `${d.kind}:${d.result}`)).toEqual(
      expect.arrayContaining(['swap:Succeeded', 'swap:RolledBack', 'bake:Succeeded', 'canary:RolledBack']),
    );
  });

  it('tells the canary chapter as a user sees it: the weight step, the verdict, the event, blue serving 100 %', () => {
    const chapter = run.stdout.slice(run.stdout.indexOf('6/6 a canary'));
    // How the sim's CloudWatch periods fall against the steps decides whether analysis fails right after
    // the weight step (step 1) or in the pause after a first pass (step 2): either way it stops at 50 %.
    const lines = [
      /merged into shop\/fleet-manifests@master/,
      /spec\.deploy\.strategy: canary, steps \[\{setWeight: 50\}, \{pause: 10m\}, \{setWeight: 100\}\]/,
      /canary step [12] of 3, weight 50 %/,
      /green magento-marketplace-v\d+ passes the ELB health check/,
      /analysis: fail at step [12] \((step|pause)\): .*5xx-rate fail: green [\d.]+ > max 1 \(2 failures > limit 1\)/,
      /event: Warning AnalysisFailed check .*\(canary step [12] of 3, weight 50 %\)/,
      /ok: aborted by analysis at step [12] of 3 \(weight 50 %\); weight back to 0, .* blue \(ami-\w+\) serves 100 % on 2 instances/,
    ];
    let from = 0;
    for (const line of lines) {
      const at = chapter.slice(from).search(line);
      expect({ line: String(line), found: at >= 0 }).toEqual({ line: String(line), found: true });
      from += at;
    }
  });

  it('draws the canary from its recorded history: booting green, the weight step, each verdict and the rollback at their times', () => {
    const d = status.history.find((x) => x.kind === 'canary')!;
    const svg = renderTimelineSvg(d, { events: status.events });
    const failed = status.events.filter((e) => e.reason === 'AnalysisFailed').pop()!;
    const weight = marker(svg, 'setWeight', 'weight 50 %');
    const fail = marker(svg, 'analysis', 'analysis 5xx-count, 5xx-rate: fail');
    const rollback = marker(svg, 'rollback', 'rollback: AnalysisFailed');
    expect({ weight: !!weight, fail: !!fail, rollback: !!rollback }).toEqual({ weight: true, fail: true, rollback: true });
    expect(fail!.at).toBe(since(d, failed.at));
    const setWeight = status.events.find((e) => e.reason === 'SetWeight' && e.at >= d.startedAt);
    if (setWeight) expect(weight!.at).toBe(since(d, setWeight.at));
    expect(weight!.x).toBeLessThan(fail!.x);
    expect(rollback!.x).toBeGreaterThanOrEqual(fail!.x);
    expect(svg).toContain('class="area-booting"');
    const png = rasterize(svg);
    expect(drawnAt(png, MARKER_COLORS.setWeight, weight!.x)).toBe(true);
    expect(drawnAt(png, VERDICT_COLORS.fail, fail!.x)).toBe(true);
  });

  it('draws the health-check rollback and the blue/green swap with its hour of keepPrevious drawn short', () => {
    const rolledBack = status.history.find((x) => x.kind === 'swap' && x.result === 'RolledBack')!;
    const bad = renderTimelineSvg(rolledBack, { events: status.events });
    const rollback = marker(bad, 'rollback', 'rollback: GreenUnhealthy') ?? marker(bad, 'rollback', 'rollback:');
    expect(rollback).toBeDefined();
    expect(bad).toContain('class="area-booting"');
    expect(drawnAt(rasterize(bad), MARKER_COLORS.rollback, rollback!.x)).toBe(true);

    const swap = status.history.find((x) => x.kind === 'swap' && x.result === 'Succeeded')!;
    const good = renderTimelineSvg(swap, { events: status.events });
    const cut = marker(good, 'cutover', 'cut-over');
    expect(cut).toBeDefined();
    expect(good).toMatch(/>1h[\dms]* \(axis broken\)</);
    expect(good).toContain('InService never below desired');
    expect(drawnAt(rasterize(good), MARKER_COLORS.cutover, cut!.x)).toBe(true);

    if (process.env.DROVER_UPDATE_DOCS === '1') {
      const canary = renderTimelineSvg(status.history.find((x) => x.kind === 'canary')!, { events: status.events });
      fs.writeFileSync(path.join(DOCS, 'swap-timeline.svg'), good);
      fs.writeFileSync(path.join(DOCS, 'timeline-blue-green.png'), rasterize(good).png);
      fs.writeFileSync(path.join(DOCS, 'timeline-rollback.png'), rasterize(bad).png);
      fs.writeFileSync(path.join(DOCS, 'timeline-canary.png'), rasterize(canary).png);
    }
  });
});
