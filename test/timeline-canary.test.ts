/**
 * The timeline of a real canary, as a user draws it: a good build through `drover apply --wait` on the
 * simulated account (Classic ELB, steps 25 % / pause 2m / 50 % / pause 1m / 100 %), then
 * `drover rollout history FLEET --svg`. Every marker must stand where the fleet's events say the step
 * began, and in the order the steps ran; the picture is rendered to PNG and checked by colour. `min: 4`
 * keeps the fleet's own scale-in policy out of the picture, so any dip below desired would be drover's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FleetStatus } from '../src/model/fleet-status';
import { MARKER_COLORS } from '../src/status/timeline-markers';
import { drover } from './support/cli';
import { writeExampleManifest } from './support/example-manifest';
import { columnsWithColor, rasterize } from './support/svg-png';

const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002' };

function canaryManifest(dir: string, name: string, ami: string): string {
  const file = writeExampleManifest(dir, name, ami);
  const text = fs.readFileSync(file, 'utf8')
    .replace(/^(\s+)min: 2\n(\s+)max: 10\n(\s+)desired: 2/m, '$1min: 4\n$2max: 10\n$3desired: 4')
    .replace(/^(\s+)strategy: blueGreen.*$/m, '$1strategy: canary\n$1canary:\n$1  steps: [{setWeight: 25}, {pause: 2m}, {setWeight: 50}, {pause: 1m}]');
  fs.writeFileSync(file, text);
  return file;
}

interface Drawn {
  kind: string;
  title: string;
  at: number;
  x: number;
}

/** Every marker in the SVG: kind, title, its time in seconds since the start (as written) and its x. */
function markers(svg: string): Drawn[] {
  const seconds = (text: string) => [...text.matchAll(/(\d+)([hms])/g)].reduce((a, [, n, u]) => a + Number(n) * { h: 3600, m: 60, s: 1 }[u as 'h' | 'm' | 's'], 0);
  return [...svg.matchAll(/<g class="marker marker-(\w+)[^"]*"><title>([^<]*) at \+([^<]+)<\/title>(?:<rect[^>]*\/>)?<line x1="([\d.]+)"/g)]
    .map(([, kind, title, at, x]) => ({ kind, title, at: seconds(at), x: Number(x) }));
}

describe('the timeline of a canary run on the simulated account', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-timeline-canary-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const state = () => ['--sim', '--state-dir', dir];

  it('marks each weight step, each pause and the cut-over where the recorded events put them, in order', async () => {
    expect((await drover('apply', '-f', canaryManifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state())).code).toBe(0);
    expect((await drover('apply', '-f', canaryManifest(dir, 'r2.yaml', AMI.r2), '--wait', ...state())).code).toBe(0);
    const file = path.join(dir, 'canary.svg');
    expect((await drover('rollout', 'history', 'magento-marketplace', '--svg', file, ...state())).code).toBe(0);
    const svg = fs.readFileSync(file, 'utf8');
    const status = JSON.parse((await drover('describe', 'fleet', 'magento-marketplace', '-o', 'json', ...state())).stdout) as FleetStatus;
    const d = status.deployment!;
    expect(d).toMatchObject({ kind: 'canary', result: 'Succeeded' });
    const t0 = Date.parse(d.startedAt);
    const drawn = markers(svg);

    const weights = drawn.filter((m) => m.kind === 'setWeight');
    expect(weights.map((m) => m.title)).toEqual(['weight 25 %', 'weight 50 %']);
    const pauses = drawn.filter((m) => m.kind === 'pause');
    expect(pauses.map((m) => m.title.replace(/ .*/, ''))).toEqual(['pause', 'pause']);
    const cut = drawn.filter((m) => m.kind === 'cutover');
    expect(cut.map((m) => m.title)).toEqual(['cut-over (weight 100 %)']);
    const order = [weights[0], pauses[0], weights[1], pauses[1], cut[0]];
    expect(order.map((m) => m.at)).toEqual([...order.map((m) => m.at)].sort((a, b) => a - b));
    expect(order.map((m) => m.x)).toEqual([...order.map((m) => m.x)].sort((a, b) => a - b));

    // Each weight step at a SetWeight event, the cut-over at the first of DeregisterBlue/DrainBlue, when those
    // events were recorded (a status written on each 10 s poll records only the phases it saw).
    const eventSeconds = (reason: string) => status.events.filter((e) => e.reason === reason && Date.parse(e.at) >= t0).map((e) => Math.round((Date.parse(e.at) - t0) / 1000));
    const setWeight = eventSeconds('SetWeight');
    if (setWeight.length) for (const w of weights) expect(setWeight).toContain(w.at);
    const deregister = [...eventSeconds('DeregisterBlue'), ...eventSeconds('DrainBlue')];
    if (deregister.length) expect(cut[0].at).toBe(Math.min(...deregister));
    expect(deregister.length).toBeGreaterThan(0);
    // The pauses last what the manifest says (the samples are 10 s apart, so a little more).
    const lasting = pauses.map((m) => Number(m.title.match(/pause (\S+)/)![1].replace(/(\d+)m(?:(\d+)s)?|(\d+)s/, (_, m2, s2, s3) => String(m2 ? Number(m2) * 60 + Number(s2 ?? 0) : Number(s3)))));
    expect(lasting[0]).toBeGreaterThanOrEqual(120);
    expect(lasting[1]).toBeGreaterThanOrEqual(60);
    expect(svg).toContain('class="area-booting"');
    expect(svg).toContain('InService never below desired');
    expect(svg).not.toContain('class="shortfall"');

    const png = rasterize(svg);
    for (const m of [...weights, ...pauses, ...cut]) {
      const color = MARKER_COLORS[m.kind as keyof typeof MARKER_COLORS];
      expect({ marker: m.title, drawn: columnsWithColor(png, color, 120, png.height - 60).some((c) => Math.abs(c - m.x) <= 2) }).toEqual({ marker: m.title, drawn: true });
    }
  }, 120_000);
});
