/**
 * The calls this bridge instance is answerable for until their `call.ended` is out: those it
 * placed and those whose media stream it carries. A drain waits on `drained()`; at the grace
 * limit the calls still here are the ones to hang up.
 */
export class OwnedCalls {
  private readonly ids = new Set<string>();
  private waiting: (() => void)[] = [];

  add(id: string): void {
    this.ids.add(id);
  }

  release(id: string): void {
    if (!this.ids.delete(id) || this.ids.size > 0) return;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  list(): string[] {
    return [...this.ids];
  }

  get size(): number {
    return this.ids.size;
  }

  /** Resolves once no call is owned (at once when none is). */
  drained(): Promise<void> {
    if (this.ids.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
