/** Passes events to one listener, keeping those that come before it is set, in order. */
export class EventRelay<T> {
  private listener?: (event: T) => void;
  private readonly early: T[] = [];

  emit(event: T): void {
    if (this.listener) this.listener(event);
    else this.early.push(event);
  }

  listen(listener: (event: T) => void): void {
    this.listener = listener;
    for (const event of this.early.splice(0)) listener(event);
  }
}
