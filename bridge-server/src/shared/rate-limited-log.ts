import type { Logger } from './logger';

/**
 * Warnings that a misbehaving peer could repeat thousands of times a second: the first of each
 * kind is logged at once, the rest are counted and summed up in one line per interval (and at
 * `flush`), so a flood of bad frames costs a few log lines, not one per frame.
 */
export class RateLimitedLog {
  private readonly suppressed = new Map<string, number>();
  private readonly seen = new Set<string>();
  private lastSummaryAt = Date.now();

  constructor(
    private readonly log: () => Logger,
    private readonly intervalMs = 10_000,
  ) {}

  warn(kind: string, fields: Record<string, unknown>, message: string): void {
    if (!this.seen.has(kind)) {
      this.seen.add(kind);
      this.log().warn(fields, message);
      return;
    }
    this.suppressed.set(kind, (this.suppressed.get(kind) ?? 0) + 1);
    if (Date.now() - this.lastSummaryAt >= this.intervalMs) this.flush();
  }

  /** Logs how many warnings of each kind were held back since the last summary. */
  flush(): void {
    this.lastSummaryAt = Date.now();
    if (this.suppressed.size === 0) return;
    const counts = Object.fromEntries(this.suppressed);
    this.suppressed.clear();
    this.log().warn({ suppressed: counts }, 'more of the same warnings, not logged one by one');
  }
}
