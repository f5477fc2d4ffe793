/**
 * Exponential back-off with a cap, for a stream that failed with a transient error: 100 ms,
 * 200 ms, 400 ms ... up to `capMs`, reset once the stream works again. One retry waits at a time.
 */
export class RetryBackoff {
  private failures = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly firstMs = 100,
    private readonly capMs = 5000,
  ) {}

  /** Runs `retry` after the next delay; the delay in ms. */
  schedule(retry: () => void): number {
    const delay = Math.min(this.capMs, this.firstMs * 2 ** this.failures);
    this.failures++;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      retry();
    }, delay);
    return delay;
  }

  get waiting(): boolean {
    return this.timer !== undefined;
  }

  /** The stream works: the next failure starts from the first delay again. */
  reset(): void {
    this.failures = 0;
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
