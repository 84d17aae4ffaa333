import type { DeploymentStatus } from '../model/fleet-status';
import { degradedFleet, readyFleet } from '../../test/support/status-fixtures';
import { blueGreenSwap } from '../../test/support/timeline-fixtures';
import { owedCapacity, renderTimelineSvg } from './timeline-svg';

/** Every opened tag is closed in order; attributes quoted; no stray `&` or `<`. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let rest = svg;
  for (const m of svg.matchAll(tag)) {
    const [, closing, name, , selfClosing] = m;
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name);
  }
  expect(stack).toEqual([]);
  rest = svg.replace(tag, '');
  expect(rest).not.toMatch(/[<>]/);
  expect(rest).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
}

describe('renderTimelineSvg', () => {
  const svg = renderTimelineSvg(readyFleet.deployment!, { width: 800, height: 360 });

  it('is a standalone, well-formed SVG', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // Standalone: only references inside the document (the hatch pattern), nothing fetched.
    expect(svg).not.toMatch(/href|<image|url\((?!#)/);
    assertWellFormed(svg);
  });

  it('draws blue and green capacity, the dashed desired line, a legend and labelled phase bands', () => {
    expect(svg).toMatch(/<path class="area-blue" d="M[^"]+Z" fill="#2563eb"/);
    expect(svg).toMatch(/<path class="area-green" d="M[^"]+Z" fill="#16a34a"/);
    expect(svg).toMatch(/<polyline class="line-blue" points="[^"]+" fill="none" stroke="#2563eb"/);
    expect(svg).toMatch(/<polyline class="line-green" points="[^"]+" fill="none" stroke="#16a34a"/);
    expect(svg).toMatch(/<polyline class="desired" points="[^"]+"[^>]*stroke-dasharray/);
    expect(svg).toContain('>blue InService<');
    expect(svg).toContain('>desired<');
    for (const phase of ['waitGreenHealthy', 'drainBlue', 'soak']) expect(svg).toContain(`>${phase}<`);
    expect(svg).toContain('magento-marketplace generation 2: swap Succeeded');
    expect(svg).toMatch(/>0s</);
    expect(svg).toMatch(/>8m</);
  });

  it('says capacity held, and the stack top never sits below the desired line', () => {
    expect(svg).toContain('InService never below desired');
    expect(svg).not.toContain('class="shortfall"');
    const ys = (cls: string) => [...svg.match(new RegExp(`class="${cls}" points="([^"]+)"`))![1].split(' ')].map((p) => Number(p.split(',')[1]));
    const total = ys('line-green');
    const desired = ys('desired');
    total.forEach((y, i) => expect(y).toBeLessThanOrEqual(desired[i]));
  });

  it('marks a dip below desired in red, with when and how deep', () => {
    const dip: DeploymentStatus = structuredClone(degradedFleet.deployment!);
    dip.timeline = dip.timeline!.map((p, i) => (i === 3 ? { ...p, blueInService: 2, greenInService: 0 } : p));
    const out = renderTimelineSvg(dip);
    expect(out).toContain('class="shortfall"');
    expect(out).toContain('InService dipped below desired: 2 of 4 at +10m30s');
    assertWellFormed(out);
  });

  it("follows desired as recorded: the fleet's own scale-in is no dip, and its scale-out is owed once it comes into service", () => {
    const d: DeploymentStatus = structuredClone(degradedFleet.deployment!);
    const t0 = Date.parse(d.startedAt);
    const pt = (s: number, blue: number, green: number, desired: number) => ({ at: new Date(t0 + s * 1000).toISOString(), blueInService: blue, greenInService: green, desired, phase: 'waitGreenHealthy' });
    // Blue scales in 4 -> 3 while green boots, then out to 5, its fifth instance InService a minute later.
    d.timeline = [pt(0, 4, 0, 4), pt(60, 3, 0, 3), pt(120, 3, 0, 5), pt(150, 4, 0, 5), pt(180, 5, 0, 5)];
    d.finishedAt = undefined;
    const out = renderTimelineSvg(d);
    assertWellFormed(out);
    expect(out).toContain('InService never below desired (lowest: 4 InService, 4 desired)');
    expect(out).not.toContain('class="shortfall"');
    expect(out).toContain('Desired capacity moved 2 times, between 3 and 5: 4 → 3 → 5.');
    const ys = new Set(out.match(/class="desired" points="([^"]+)"/)![1].split(' ').map((p) => p.split(',')[1]));
    expect(ys.size).toBe(3);
    // Capacity already held, lost while a scale-out is owed, is a dip all the same.
    d.timeline = [pt(0, 4, 0, 4), pt(60, 4, 0, 5), pt(90, 3, 0, 5), pt(180, 5, 0, 5)];
    expect(renderTimelineSvg(d)).toContain('InService dipped below desired: 3 of 4 at +1m30s');
  });

  it('owes a rise in desired only as capacity comes up to it, a fall at once', () => {
    expect(owedCapacity([4, 3, 5, 5, 5, 2], [4, 3, 3, 4, 6, 2])).toEqual([4, 3, 3, 4, 5, 2]);
    expect(owedCapacity([4, 4, 6], [4, 2, 1])).toEqual([4, 4, 4]);
  });

  it('breaks the axis over a long keepPrevious: drawn narrow, labelled with its real duration', () => {
    const d: DeploymentStatus = structuredClone(readyFleet.deployment!);
    d.finishedAt = new Date(Date.parse(d.startedAt) + 4160_000).toISOString();
    const out = renderTimelineSvg(d, { width: 800, height: 360 });
    assertWellFormed(out);
    const band = out.match(/<rect class="axis-break-band" x="([\d.]+)"[^>]*width="([\d.]+)"/);
    expect(band).not.toBeNull();
    expect(Number(band![2])).toBeLessThanOrEqual(40);
    expect(out).toContain('>1h (axis broken)<');
    // The swap's 9 minutes keep most of the plot: drainBlue starts past a quarter of the width.
    const drain = out.match(/<rect class="phase" x="([\d.]+)"[^>]*><title>drainBlue</);
    expect(Number(drain![1])).toBeGreaterThan(44 + 740 / 4);
  });

  it('keeps a linear axis when nothing is long', () => {
    expect(svg).not.toContain('axis-break');
  });

  it('marks the rollback with its reason and the cut-over, each with a title and its kind in words', () => {
    const out = renderTimelineSvg(degradedFleet.deployment!);
    assertWellFormed(out);
    expect(out).toMatch(/<g class="marker marker-rollback"><title>rollback: GreenHealthTimeout at \+10m30s<\/title>/);
    expect(out).toContain('>rollback: GreenHealthTimeout</text>');
    expect(out).toMatch(/<desc>[^<]*rollback at \+10m30s: rollback: GreenHealthTimeout/);
    expect(svg).toMatch(/<g class="marker marker-cutover"><title>cut-over at \+3m40s<\/title>/);
    expect(svg).not.toContain('marker-rollback');
  });

  it('draws given markers (canary steps, analysis verdicts) and pause runs from the phases', () => {
    const d: DeploymentStatus = structuredClone(readyFleet.deployment!);
    d.timeline = d.timeline!.map((p, i) => (i === 6 ? { ...p, phase: 'pause' } : p));
    const t0 = Date.parse(d.startedAt);
    const out = renderTimelineSvg(d, { markers: [
      { atMs: t0 + 30_000, kind: 'setWeight', label: 'weight 10%' },
      { atMs: t0 + 90_000, kind: 'analysis', label: '5xx rate', verdict: 'fail' },
    ] });
    assertWellFormed(out);
    expect(out).toContain('class="marker marker-setWeight"');
    expect(out).toContain('>weight 10%</text>');
    expect(out).toMatch(/class="marker marker-analysis verdict-fail"[^]*?>analysis 5xx rate: fail<\/text>/);
    expect(out).toMatch(/class="marker marker-pause"><title>pause 4m at \+4m40s<\/title><rect [^>]*fill-opacity/);
  });

  it('grows the label lane so labels of markers close together never overlap', () => {
    const d: DeploymentStatus = structuredClone(readyFleet.deployment!);
    const t0 = Date.parse(d.startedAt);
    const few = renderTimelineSvg(d, { markers: [{ atMs: t0 + 30_000, kind: 'setWeight', label: 'weight 10 %' }] });
    const crowd = [0, 1, 2, 3, 4].map((i) => ({ atMs: t0 + 30_000 + i * 1000, kind: 'analysis' as const, label: `check ${i}`, verdict: 'pass' as const }));
    const out = renderTimelineSvg(d, { markers: crowd });
    assertWellFormed(out);
    const ys = [...out.matchAll(/<text class="marker-label" x="[\d.]+" y="([\d.]+)"[^>]*>analysis check \d: pass</g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(5);
    expect(new Set(ys).size).toBe(5);
    const top = (svg: string) => Number(svg.match(/<line x1="44" y1="([\d.]+)" x2="44"/)![1]);
    expect(top(out)).toBeGreaterThan(top(few));
  });

  it('draws green booting and blue draining as hatched bands above InService, in the legend only when present', () => {
    const out = renderTimelineSvg(blueGreenSwap());
    assertWellFormed(out);
    expect(out).toMatch(/<path class="area-booting" d="M[^"]+Z" fill="url\(#booting-hatch\)"/);
    expect(out).toMatch(/<path class="area-draining" d="M[^"]+Z" fill="url\(#draining-hatch\)"/);
    expect(out).toContain('>green booting<');
    expect(out).toContain('green booting and blue draining hatched above them');
    expect(svg).not.toContain('area-booting');
    expect(svg).not.toContain('>green booting<');
  });

  it('escapes text and copes with no samples', () => {
    const d: DeploymentStatus = { id: 'x', kind: 'swap', fleet: 'a<b>&"c\'', phase: 'p', result: 'InProgress', reason: '<Bad&>', startedAt: '2026-01-01T00:00:00.000Z' };
    const out = renderTimelineSvg(d);
    expect(out).toContain('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(out).toContain('no timeline samples recorded');
    assertWellFormed(out);
  });
});
