/** A small insertion-ordered LRU set of message ids, so a duplicate delivery has no effect. */
export class RecentIds {
  private readonly ids = new Map<string, true>();

  constructor(private readonly capacity = 1000) {}

  has(id: string): boolean {
    if (!this.ids.has(id)) return false;
    this.ids.delete(id);
    this.ids.set(id, true);
    return true;
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.set(id, true);
    while (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value as string);
  }

  get size(): number {
    return this.ids.size;
  }
}
