/**
 * The process-kill bench's invariants, read from the simulated account as the killed and
 * resumed processes left it, and from the audit trail they appended (main/sim-audit.ts):
 * never below the desired InService capacity, never two green groups in one deployment, no
 * leaked instances, groups or launch-template versions, and a final status that says what
 * DescribeAutoScalingGroups says.
 */
import * as fs from 'node:fs';
import type { AuditLine } from '../main/sim-audit';
import { isOwnedBy } from '../model/names';
import type { SimAccount } from '../sim';

export interface RoundFacts {
  sim: SimAccount;
  fleet: string;
  loadBalancer: string;
  desired: number;
  /** Live groups when the round started. */
  startGroups: string[];
  /** Audit lines appended during the round. */
  audit: AuditLine[];
  /** `drover get fleets -o json`, the fleet's item. */
  status: { phase?: string; observed?: { activeGroup?: string; groups?: Array<{ name: string; desired: number; inService: number }> }; deployment?: { result?: string; message?: string } };
  /** `drover sim call AutoScaling DescribeAutoScalingGroups '{}'`. */
  described: { AutoScalingGroups?: Array<{ AutoScalingGroupName: string; DesiredCapacity: number; Status?: string }> };
}

export function readAudit(file: string, fromByte: number): AuditLine[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').slice(fromByte).split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditLine);
}

export function checkRound(f: RoundFacts): string[] {
  return [...capacity(f), ...greens(f), ...leaks(f), ...truthful(f)];
}

function capacity(f: RoundFacts): string[] {
  const low = f.audit.find((l) => (l.inService[f.loadBalancer] ?? 0) < f.desired);
  return low ? [`InService capacity on ${f.loadBalancer} fell to ${low.inService[f.loadBalancer] ?? 0}/${f.desired} at ${new Date(low.atMs).toISOString()} (pid ${low.pid})`] : [];
}

function greens(f: RoundFacts): string[] {
  const created = new Set<string>();
  for (const l of f.audit) for (const g of Object.keys(l.groups)) if (!f.startGroups.includes(g)) created.add(g);
  return created.size > 1 ? [`${created.size} green groups in one round: ${[...created].join(', ')}`] : [];
}

function leaks(f: RoundFacts): string[] {
  const out: string[] = [];
  const live = f.sim.groups().filter((g) => !g.deleting);
  if (live.length !== 1) out.push(`expected one live group, found ${live.map((g) => g.name).join(', ') || 'none'}`);
  for (const i of f.sim.instances()) {
    if (i.state === 'terminated' || i.state === 'shutting-down') continue;
    if (!live.some((g) => g.name === i.group)) out.push(`leaked instance ${i.id} (${i.state}, group ${i.group ?? 'none'})`);
  }
  for (const lt of Object.values(f.sim.snapshot().launchTemplates).filter((t) => isOwnedBy(t.tags, f.fleet))) {
    const pinned = f.sim.groups().filter((g) => g.launchTemplate.id === lt.id).map((g) => Number(g.launchTemplate.version));
    const below = lt.versions.map((v) => v.number).filter((n) => n < lt.defaultVersion);
    const allowed = new Set([lt.defaultVersion, ...pinned, ...(below.length ? [Math.max(...below)] : [])]);
    const extra = lt.versions.map((v) => v.number).filter((n) => !allowed.has(n));
    if (extra.length) out.push(`launch template ${lt.name} keeps versions ${extra.join(', ')} (default ${lt.defaultVersion})`);
  }
  return out;
}

function truthful(f: RoundFacts): string[] {
  const out: string[] = [];
  const aws = (f.described.AutoScalingGroups ?? []).filter((g) => !g.Status);
  const shown = f.status.observed?.groups ?? [];
  const awsText = aws.map((g) => `${g.AutoScalingGroupName}:${g.DesiredCapacity}`).sort().join(',');
  const shownText = shown.map((g) => `${g.name}:${g.desired}`).sort().join(',');
  if (awsText !== shownText) out.push(`status shows groups ${shownText || 'none'} but DescribeAutoScalingGroups says ${awsText || 'none'}`);
  const active = f.status.observed?.activeGroup;
  if (!active || !aws.some((g) => g.AutoScalingGroupName === active)) out.push(`status names active group ${active ?? 'none'}, which AWS does not show`);
  if (f.status.phase !== 'Ready') out.push(`final phase is ${f.status.phase}, not Ready`);
  const d = f.status.deployment;
  if (d?.result === 'InProgress') out.push(`a deployment is still InProgress after the resumed process exited 0`);
  if (d?.result === 'Succeeded' && active && d.message && !d.message.includes(active)) out.push(`deployment says "${d.message}" but ${active} is the group AWS shows`);
  const serving = shown.find((g) => g.name === active);
  if (serving && serving.inService < f.desired) out.push(`active group ${active} serves ${serving.inService}/${f.desired}`);
  return out;
}
