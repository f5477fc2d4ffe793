import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../shared/logger';
import type { ArchiveMetrics } from './archive-metrics';
import type { CallEvent } from '../shared/wire-types';
import type { ArchiveWriter, StreamedEvent } from './archive-writer';
import { isDataError } from './database-errors';
import type { EventStreamGroup, StreamEntry } from './event-stream-group';

export interface EventArchiverOptions {
  group: EventStreamGroup;
  writer: ArchiveWriter;
  log: Logger;
  metrics: ArchiveMetrics;
  /** EVENTS_STREAM_MAX_LENGTH: the backlog's bound, for the warning as it fills. */
  streamMaxLength: number;
  /** Entries pending this long with another consumer (a crashed archiver) are taken over. */
  claimIdleMs?: number;
  batchSize?: number;
}

const BLOCK_MS = 1000;
const BACKLOG_CHECK_MS = 5000;
const MAX_BACKOFF_MS = 10_000;
/** The backlog warning is logged at these shares of the stream's bound, and again every minute above them. */
const BACKLOG_WARN_RATIO = 0.5;
const BACKLOG_WARN_EVERY_MS = 60_000;
const FORGET_CONSUMERS_IDLE_MS = 3600_000;

function callEventOf(body: string | undefined): CallEvent | undefined {
  if (body === undefined) return undefined;
  try {
    const event = JSON.parse(body) as Partial<CallEvent>;
    return event.type?.startsWith('call.') && typeof event.call?.id === 'string' ? (event as CallEvent) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Feeds the archive from the events stream as a member of one consumer group: any number of
 * instances may run it, each entry is written by one of them and acknowledged only once it is
 * in PostgreSQL. While PostgreSQL is down, nothing is acknowledged; the stream holds the backlog
 * (up to EVENTS_STREAM_MAX_LENGTH, warned of as it fills) and the archive catches up when it
 * returns. Entries left pending by a crashed archiver are claimed after `claimIdleMs`.
 */
export class EventArchiver {
  private stopping = false;
  private running?: Promise<void>;
  private grouped = false;
  private retryPending = true;
  private claimCursor = '0-0';
  private nextCheckAt = 0;
  private lastWarnAt = 0;
  private readonly stopped = new AbortController();
  private readonly claimIdleMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: EventArchiverOptions) {
    this.claimIdleMs = options.claimIdleMs ?? 30_000;
    this.batchSize = options.batchSize ?? 200;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const { log } = this.options;
    let backoffMs = 250;
    while (!this.stopping) {
      try {
        if (!this.grouped) await this.options.group.ensure();
        this.grouped = true;
        if (Date.now() >= this.nextCheckAt) await this.check();
        await this.archive(await this.nextEntries());
        backoffMs = 250;
      } catch (error) {
        if (this.stopping) break;
        this.retryPending = true;
        log.warn(
          { err: error, retryInMs: backoffMs },
          'archiving events failed; they stay in the stream and are retried',
        );
        await sleep(backoffMs, undefined, { signal: this.stopped.signal }).catch(() => undefined);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** What to archive next: this consumer's unacknowledged entries first, then stale ones of others, then new ones. */
  private async nextEntries(): Promise<StreamEntry[]> {
    const { group } = this.options;
    if (this.retryPending) {
      const pending = await group.pending(this.batchSize);
      if (pending.length > 0) return pending;
      this.retryPending = false;
    }
    if (this.claimCursor !== 'done') {
      const { entries, next } = await group.claimStale(this.claimIdleMs, this.claimCursor, this.batchSize);
      this.claimCursor = next === '0-0' ? 'done' : next;
      if (entries.length > 0) return entries;
    }
    return group.next(this.batchSize, BLOCK_MS);
  }

  private async archive(entries: StreamEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const { group, metrics, log } = this.options;
    const events: StreamedEvent[] = [];
    for (const entry of entries) {
      const event = callEventOf(entry.body);
      if (event) events.push({ streamId: entry.id, event });
    }
    metrics.archivedEvents.inc({ outcome: 'skipped' }, entries.length - events.length);
    try {
      this.count(await this.options.writer.write(events));
    } catch (error) {
      if (!isDataError(error)) {
        metrics.archiveWritable.set(0);
        throw error;
      }
      // One event PostgreSQL refuses must not hold back the others: write them one by one.
      for (const one of events)
        await this.options.writer.write([one]).then(
          (result) => this.count(result),
          (oneError: unknown) => {
            if (!isDataError(oneError)) throw oneError;
            metrics.archivedEvents.inc({ outcome: 'rejected' });
            log.error(
              { err: oneError, eventId: one.event.id, streamId: one.streamId },
              'PostgreSQL refused an event; it is not archived',
            );
          },
        );
    }
    metrics.archiveWritable.set(1);
    await group.ack(entries.map((entry) => entry.id));
  }

  private count(result: { archived: number; duplicates: number }): void {
    this.options.metrics.archivedEvents.inc({ outcome: 'archived' }, result.archived);
    this.options.metrics.archivedEvents.inc({ outcome: 'duplicate' }, result.duplicates);
  }

  /** Every few seconds: the backlog metric and warning, a new pass over stale entries, and old consumers forgotten. */
  private async check(): Promise<void> {
    const { group, metrics, log, streamMaxLength } = this.options;
    this.nextCheckAt = Date.now() + BACKLOG_CHECK_MS;
    if (this.claimCursor === 'done') this.claimCursor = '0-0';
    const { pending, lag, streamLength } = await group.backlog();
    const backlog = pending + (lag ?? streamLength);
    const ratio = backlog / streamMaxLength;
    metrics.archiveBacklog.set(backlog);
    metrics.archiveBacklogRatio.set(ratio);
    if (ratio >= BACKLOG_WARN_RATIO && Date.now() - this.lastWarnAt >= BACKLOG_WARN_EVERY_MS) {
      this.lastWarnAt = Date.now();
      log.warn(
        { backlog, streamMaxLength, percent: Math.round(ratio * 100) },
        'the archive is behind the events stream: past EVENTS_STREAM_MAX_LENGTH, events are trimmed before they are archived',
      );
    }
    await group.forgetIdleConsumers(FORGET_CONSUMERS_IDLE_MS);
  }
}
