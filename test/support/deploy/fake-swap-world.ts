/**
 * An in-memory fleet for swap tests: groups whose instances boot on a VirtualClock, a load
 * balancer that serves only registered groups, launch template versions, alarms. It keeps
 * the idempotency rules the real actors must keep and records what a crash-safety test
 * asserts: how many green groups were really created, the least capacity ever serving,
 * and the order of the swap's decisive operations.
 */
import type { VirtualClock } from '../../../src/util/clock';
import type { SwapPorts } from '../../../src/deploy/machines/ports';

export interface FakeInstance { id: string; readyAtMs: number; broken: boolean }

export interface FakeGroup {
  name: string;
  generation: number;
  launchTemplateVersion: number;
  desired: number;
  instances: FakeInstance[];
  registered: boolean;
  suspended: boolean;
}

export interface FakeSwapOptions {
  blueGroup: string;
  blueDesired: number;
  bootSeconds?: number;
  /** Generations whose instances never pass health checks. */
  brokenGenerations?: number[];
  /** Generations that cannot launch at all, with the reason the port reports. */
  launchFailures?: Record<number, string>;
}

export class FakeSwapWorld implements SwapPorts {
  readonly groups = new Map<string, FakeGroup>();
  readonly versions: Array<{ version: number; amiId: string; generation: number }> = [{ version: 1, amiId: 'ami-blue', generation: 1 }];
  readonly firing = new Set<string>();
  /** Decisive operations in order, with green's InService count when blue left the ELB. */
  readonly log: string[] = [];
  policiesOn: string;
  groupsCreated = 0;
  minServing = Infinity;
  private seq = 0;

  constructor(readonly clock: VirtualClock, readonly options: FakeSwapOptions) {
    const blue: FakeGroup = { name: options.blueGroup, generation: 1, launchTemplateVersion: 1, desired: 0, instances: [], registered: true, suspended: false };
    this.groups.set(blue.name, blue);
    this.setDesired(blue, options.blueDesired, 0);
    this.policiesOn = blue.name;
    clock.onAdvance(() => this.sample());
    this.sample();
  }

  inService(group: FakeGroup): string[] {
    const now = this.clock.nowMs();
    return group.registered ? group.instances.filter((i) => !i.broken && now >= i.readyAtMs).map((i) => i.id) : [];
  }

  serving(): number {
    return [...this.groups.values()].reduce((n, g) => n + this.inService(g).length, 0);
  }

  private sample(): void {
    this.minServing = Math.min(this.minServing, this.serving());
  }

  protected setDesired(group: FakeGroup, desired: number, readyAtMs = this.clock.nowMs() + (this.options.bootSeconds ?? 120) * 1000): void {
    group.desired = desired;
    group.instances = group.instances.slice(0, desired);
    const broken = (this.options.brokenGenerations ?? []).includes(group.generation);
    if (this.options.launchFailures?.[group.generation]) return;
    while (group.instances.length < desired) {
      group.instances.push({ id: `i-${(++this.seq).toString(16).padStart(17, '0')}`, readyAtMs, broken });
    }
  }

  protected group(name: string): FakeGroup {
    const g = this.groups.get(name);
    if (!g) throw Object.assign(new Error(`group ${name} not found`), { retryable: false });
    return g;
  }

  protected mutated(op: string): void {
    this.log.push(op);
    this.sample();
  }

  async createLaunchTemplateVersion(input: { generation: number; amiId: string }) {
    const previousVersion = Math.max(...this.versions.filter((v) => v.generation < input.generation).map((v) => v.version));
    let v = this.versions.find((x) => x.generation === input.generation);
    if (!v) {
      v = { version: this.versions.length + 1, amiId: input.amiId, generation: input.generation };
      this.versions.push(v);
    }
    return { version: v.version, previousVersion };
  }

  async createGreenGroup(input: { groupName: string; generation: number; launchTemplateVersion: number; desired: number }) {
    if (this.groups.has(input.groupName)) return;
    const g: FakeGroup = {
      name: input.groupName, generation: input.generation, launchTemplateVersion: input.launchTemplateVersion,
      desired: 0, instances: [], registered: false, suspended: false,
    };
    this.groups.set(g.name, g);
    this.setDesired(g, input.desired);
    this.groupsCreated++;
    this.mutated(`createGreenGroup ${g.name}`);
  }

  async attachGreen(input: { groupName: string }) {
    this.group(input.groupName).registered = true;
    this.mutated(`attachGreen ${input.groupName}`);
  }

  async pollGroupHealth(input: { groupName: string }) {
    const g = this.groups.get(input.groupName);
    const inService = g ? this.inService(g) : [];
    const notInService = g ? g.instances.map((i) => i.id).filter((id) => !inService.includes(id)) : [];
    const launchFailure = g && this.options.launchFailures?.[g.generation];
    return { inService, notInService, nowMs: this.clock.nowMs(), exists: !!g, ...(launchFailure ? { launchFailure } : {}) };
  }

  async reobserve(input: { groupNames: string[]; health: boolean }) {
    const groups: Record<string, { exists: boolean; desired: number; attached: boolean; inService: number; launchTemplateVersion?: number; imageId?: string }> = {};
    for (const name of input.groupNames) {
      const g = this.groups.get(name);
      groups[name] = g
        ? {
          exists: true, desired: g.desired, attached: g.registered, inService: input.health ? this.inService(g).length : 0, launchTemplateVersion: g.launchTemplateVersion,
          ...(input.health ? { imageId: this.versions.find((v) => v.version === g.launchTemplateVersion)?.amiId ?? 'ami-unknown' } : {}),
        }
        : { exists: false, desired: 0, attached: false, inService: 0 };
    }
    return { groups, nowMs: this.clock.nowMs() };
  }

  async deregisterBlue(input: { blueGroup: string; greenGroup: string }) {
    const blue = this.group(input.blueGroup);
    const green = this.groups.get(input.greenGroup);
    blue.registered = false;
    blue.suspended = true;
    this.mutated(`deregisterBlue green=${green ? this.inService(green).length : 0}/${green?.desired ?? 0}`);
  }

  async pollAlarms(input: { alarmNames: string[] }) {
    return { firing: input.alarmNames.filter((a) => this.firing.has(a)), nowMs: this.clock.nowMs() };
  }

  async pollClock() {
    return { nowMs: this.clock.nowMs() };
  }

  async movePolicies(input: { toGroup: string }) {
    this.policiesOn = input.toGroup;
    this.mutated(`movePolicies ${input.toGroup}`);
  }

  async scaleToZero(input: { groupName: string }) {
    this.setDesired(this.group(input.groupName), 0);
    this.mutated(`scaleToZero ${input.groupName}`);
  }

  async deleteGroup(input: { groupName: string }) {
    if (!this.groups.delete(input.groupName)) return;
    this.mutated(`deleteGroup ${input.groupName}`);
  }

  async restoreBlue(input: { blueGroup: string; desired: number }) {
    const blue = this.group(input.blueGroup);
    blue.suspended = false;
    blue.registered = true;
    if (blue.desired < input.desired) this.setDesired(blue, input.desired);
    this.policiesOn = blue.name;
    this.mutated(`restoreBlue ${blue.name}`);
  }

  async scaleGreen(input: { groupName: string; desired: number }) {
    const g = this.group(input.groupName);
    if (g.desired === input.desired) return;
    this.setDesired(g, input.desired);
    this.mutated(`scaleGreen ${input.desired}`);
  }

  async detachGreen(input: { groupName: string }) {
    const g = this.groups.get(input.groupName);
    if (!g) return;
    g.registered = false;
    this.mutated(`detachGreen ${input.groupName}`);
  }
}
