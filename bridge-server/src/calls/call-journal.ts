import type { Counter, Gauge } from 'prom-client';
import type { Logger } from '../shared/logger';
import { RateLimitedLog } from '../shared/rate-limited-log';
import { isStoreUnavailable } from '../store/store-errors';

export type JournalOutcome<T> = { value: T } | { deferred: true } | { dropped: true };

interface Entry {
  what: string;
  run: (retry: boolean) => Promise<unknown>;
  settle: (outcome: JournalOutcome<unknown>) => void;
  fail: (error: unknown) => void;
  settled: boolean;
}

export interface JournalMetrics {
  pending: Gauge;
  dropped: Counter;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;

/**
 * A call's store writes, in order, surviving a store outage. Each write runs after the call's
 * earlier ones; when the store cannot be reached it is held in memory and tried again (backoff
 * to 2 s) until the store is back, so a call in progress keeps its transcript and its events,
 * and `call.ended` still comes after the last entry. Writes must be idempotent, since one whose
 * reply was lost is run again (with `retry` true, so it can finish what the lost attempt began). The memory is bounded: past `maxPending` writes, new ones are
 * dropped and counted.
 */
export class CallJournal {
  private readonly queues = new Map<string, Entry[]>();
  private readonly retrying = new Set<string>();
  private pending = 0;
  private readonly warnings: RateLimitedLog;

  constructor(
    private readonly log: Logger,
    private readonly metrics?: JournalMetrics,
    private readonly maxPending = 10_000,
  ) {
    this.warnings = new RateLimitedLog(() => this.log);
  }

  /**
   * Queues `run` behind the call's earlier writes. Resolves with its value when its first
   * attempt succeeds, `deferred` when the store is down (it will be retried), or `dropped` when
   * the journal is full; rejects when the write fails for another reason.
   */
  submit<T>(callId: string, what: string, run: (retry: boolean) => Promise<T>): Promise<JournalOutcome<T>> {
    if (this.pending >= this.maxPending) {
      this.metrics?.dropped.inc();
      this.warnings.warn(
        'journal-full',
        { callId, what, pending: this.pending },
        'store writes held for the outage are at their limit; dropping new ones',
      );
      return Promise.resolve({ dropped: true });
    }
    return new Promise<JournalOutcome<T>>((resolve, reject) => {
      const entry: Entry = { what, run, settle: resolve as Entry['settle'], fail: reject, settled: false };
      let queue = this.queues.get(callId);
      if (!queue) this.queues.set(callId, (queue = []));
      queue.push(entry);
      this.pending++;
      this.metrics?.pending.set(this.pending);
      // Behind a write that is waiting out an outage: known to be deferred at once.
      if (this.retrying.has(callId)) this.settle(entry, { deferred: true });
      if (queue.length === 1) void this.drain(callId, queue);
    });
  }

  /** Writes waiting, all calls together. */
  get size(): number {
    return this.pending;
  }

  private settle(entry: Entry, outcome: JournalOutcome<unknown>): void {
    if (entry.settled) return;
    entry.settled = true;
    entry.settle(outcome);
  }

  private async drain(callId: string, queue: Entry[]): Promise<void> {
    let delay = RETRY_MIN_MS;
    let retry = false;
    while (queue.length > 0) {
      const entry = queue[0];
      try {
        const value = await entry.run(retry);
        this.settle(entry, { value });
      } catch (error) {
        if (isStoreUnavailable(error)) {
          if (!this.retrying.has(callId))
            this.warnings.warn(
              'store-down',
              { callId, what: entry.what },
              "store unavailable; holding the call's writes until it is back",
            );
          this.retrying.add(callId);
          for (const waiting of queue) this.settle(waiting, { deferred: true });
          await new Promise((resolve) => setTimeout(resolve, delay));
          delay = Math.min(RETRY_MAX_MS, delay * 2);
          retry = true;
          continue;
        }
        if (entry.settled)
          this.log.error(
            { err: error, callId, what: entry.what },
            'a held store write failed once retried; it is dropped',
          );
        else {
          entry.settled = true;
          entry.fail(error);
        }
      }
      if (this.retrying.delete(callId)) this.log.info({ callId }, 'store is back; held writes are being written');
      delay = RETRY_MIN_MS;
      retry = false;
      queue.shift();
      this.pending--;
      this.metrics?.pending.set(this.pending);
    }
    this.queues.delete(callId);
  }
}
