/** A FIFO that keeps the newest `capacity` items, counting what it had to drop. */
export class BoundedQueue<T> {
  private items: T[] = [];
  dropped = 0;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.dropped++;
    }
    this.items.push(item);
  }

  get length(): number {
    return this.items.length;
  }

  /** Everything held, oldest first; the queue is empty (and its drop count reset) after. */
  drain(): T[] {
    const items = this.items;
    this.items = [];
    this.dropped = 0;
    return items;
  }
}
