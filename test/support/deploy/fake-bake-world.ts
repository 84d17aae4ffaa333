/**
 * An in-memory account for bake tests: builders and images whose states move with a
 * VirtualClock, with the same idempotency rules the real actors must keep (ClientToken,
 * image names). It counts real creations so tests can assert "never two builders".
 */
import type { VirtualClock } from '../../../src/util/clock';
import type { BuilderState, ImageState } from '../../../src/deploy/machines/bake.machine';
import type { BakePorts } from '../../../src/deploy/machines/ports';

export interface FakeBuilder {
  id: string;
  clientToken: string;
  launchedAtMs: number;
  terminated: boolean;
}

export interface FakeImage {
  id: string;
  fleet: string;
  commit: string;
  name: string;
  readyAtMs: number;
  fails: boolean;
}

export interface FakeBakeOptions {
  buildSeconds?: number;
  /** `hang`: the builder never stops. */
  outcome?: 'success' | 'failure' | 'hang';
  failureMessage?: string;
  imageSeconds?: number;
  imageFails?: boolean;
}

export class FakeBakeWorld implements BakePorts {
  readonly builders: FakeBuilder[] = [];
  readonly images: FakeImage[] = [];
  readonly calls: string[] = [];
  private seq = 0;

  constructor(
    readonly clock: VirtualClock,
    readonly options: FakeBakeOptions = {},
  ) {}

  private nextId(prefix: string): string {
    return `${prefix}-${(++this.seq).toString(16).padStart(17, '0')}`;
  }

  private imageState(image: FakeImage): ImageState {
    if (this.clock.nowMs() < image.readyAtMs) return 'pending';
    return image.fails ? 'failed' : 'available';
  }

  builderState(b: FakeBuilder): BuilderState {
    if (b.terminated) return 'terminated';
    if (this.options.outcome === 'hang') return 'running';
    return this.clock.nowMs() >= b.launchedAtMs + (this.options.buildSeconds ?? 600) * 1000 ? 'stopped' : 'running';
  }

  liveBuilders(): FakeBuilder[] {
    return this.builders.filter((b) => !b.terminated);
  }

  async findImage(input: { fleet: string; commit: string }) {
    this.calls.push('findImage');
    const image = this.images.find((i) => i.fleet === input.fleet && i.commit === input.commit && this.imageState(i) !== 'failed');
    return image ? { imageId: image.id, state: this.imageState(image) } : {};
  }

  async launchBuilder(input: { clientToken: string }) {
    this.calls.push('launchBuilder');
    let b = this.builders.find((x) => x.clientToken === input.clientToken);
    if (!b) {
      b = { id: this.nextId('i'), clientToken: input.clientToken, launchedAtMs: this.clock.nowMs(), terminated: false };
      this.builders.push(b);
    }
    return { instanceId: b.id, launchedAtMs: b.launchedAtMs };
  }

  async pollBuilder(input: { instanceId: string }) {
    this.calls.push('pollBuilder');
    const b = this.builders.find((x) => x.id === input.instanceId);
    return { state: b ? this.builderState(b) : ('missing' as const), nowMs: this.clock.nowMs() };
  }

  async readResult(_input: { instanceId: string }) {
    this.calls.push('readResult');
    const nowMs = this.clock.nowMs();
    if (this.options.outcome === 'failure') {
      return { marker: 'failure' as const, message: this.options.failureMessage ?? 'build failed', nowMs };
    }
    return { marker: 'success' as const, message: 'build ok', nowMs };
  }

  async createImage(input: { instanceId: string; fleet: string; commit: string; name: string }) {
    this.calls.push('createImage');
    let image = this.images.find((i) => i.name === input.name);
    if (!image) {
      const readyAtMs = this.clock.nowMs() + (this.options.imageSeconds ?? 300) * 1000;
      image = { id: this.nextId('ami'), fleet: input.fleet, commit: input.commit, name: input.name, readyAtMs, fails: !!this.options.imageFails };
      this.images.push(image);
    }
    return { imageId: image.id };
  }

  async pollImage(input: { imageId: string }) {
    this.calls.push('pollImage');
    const image = this.images.find((i) => i.id === input.imageId);
    return { state: image ? this.imageState(image) : ('missing' as const), nowMs: this.clock.nowMs() };
  }

  async terminateBuilder(input: { instanceId?: string; clientToken: string }) {
    this.calls.push('terminateBuilder');
    for (const b of this.builders) {
      if (b.id === input.instanceId || b.clientToken === input.clientToken) b.terminated = true;
    }
  }
}
