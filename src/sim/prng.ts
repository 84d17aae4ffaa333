/**
 * A small seeded PRNG (mulberry32) whose whole state is one integer, so the simulated
 * account can persist it and replay the same ids after a save/load.
 */
export class Prng {
  constructor(public state: number) {}

  /** Uniform float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  hex(len: number): string {
    let s = '';
    while (s.length < len) s += this.int(16).toString(16);
    return s;
  }

  /** An RFC 4122-shaped version-4 uuid. */
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
