import type { RedisClient } from '../store/redis-connection';
import type { Logger } from '../shared/logger';
import { RateLimitedLog } from '../shared/rate-limited-log';
import { eventBodyOf, eventsStreamKey } from '../store/event-stream-keys';
import { LiveFanout, type InterimUpdate, type LiveMessage } from './live-feed';

/** Longest a blocking read waits before it looks again (and notices a close). */
const READ_BLOCK_MS = 2000;
const READ_BATCH = 500;
/** A reconnecting viewer is given at most this many missed events. */
const REPLAY_LIMIT = 1000;
const RETRY_MS = 500;
const NOT_READY_POLL_MS = 50;

/**
 * Across bridge instances: events are read from the Redis events stream itself (XREAD), so each
 * carries its stream id for SSE, a viewer that reconnects is replayed what it missed (XRANGE),
 * and events written late (held through a Redis outage) still reach viewers when written.
 * Interims ride on a pub/sub channel of their own.
 */
export class RedisLiveFeed extends LiveFanout {
  private readonly interimChannel: string;
  private readonly streamKey: string;
  private running = true;
  private readonly reading: Promise<void>;
  private readonly warnings: RateLimitedLog;

  /** `subscriber` and `reader` are connections of their own (subscriber mode; blocking reads). */
  constructor(
    private readonly commands: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly reader: RedisClient,
    prefix: string,
    log: Logger,
  ) {
    super();
    this.warnings = new RateLimitedLog(() => log);
    this.interimChannel = `${prefix}live:interim`;
    this.streamKey = eventsStreamKey(prefix);
    subscriber.on('message', (_channel: string, json: string) => {
      const message = this.parse(json);
      if (message) this.emit(message);
    });
    subscriber.on('ready', () => {
      subscriber
        .subscribe(this.interimChannel)
        .catch((error: unknown) => log.warn({ err: error }, 'live feed could not subscribe to interims'));
    });
    this.reading = this.readEvents();
  }

  private parse(json: string): LiveMessage | undefined {
    try {
      return JSON.parse(json) as LiveMessage;
    } catch (error) {
      this.warnings.warn('malformed', { err: error }, 'live feed dropped a malformed message');
      return undefined;
    }
  }

  private async readEvents(): Promise<void> {
    let position = '$';
    while (this.running) {
      if (this.reader.status !== 'ready' || this.commands.status !== 'ready') {
        // Connecting, or reconnecting after an outage: nothing can be read yet.
        await new Promise((resolve) => setTimeout(resolve, NOT_READY_POLL_MS));
        continue;
      }
      try {
        if (position === '$')
          position = (await this.commands.xrevrange(this.streamKey, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
        const result = await this.reader.xread(
          'COUNT',
          READ_BATCH,
          'BLOCK',
          READ_BLOCK_MS,
          'STREAMS',
          this.streamKey,
          position,
        );
        for (const [, entries] of result ?? []) {
          for (const [id, fields] of entries) {
            position = id;
            const message = this.parse(eventBodyOf(fields) ?? '');
            if (message) this.emit(message, id);
          }
        }
      } catch (error) {
        if (!this.running) return;
        this.warnings.warn('read', { err: error }, 'live feed could not read the events stream; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  interim(update: Omit<InterimUpdate, 'type'>): void {
    void this.commands
      .publish(this.interimChannel, JSON.stringify({ type: 'transcript.interim', ...update }))
      .catch(() => undefined);
  }

  protected async replay(position: string): Promise<{ position: string; message: LiveMessage }[]> {
    const entries = await this.commands.xrange(this.streamKey, `(${position}`, '+', 'COUNT', REPLAY_LIMIT);
    return entries.flatMap(([id, fields]) => {
      const message = this.parse(eventBodyOf(fields) ?? '');
      return message ? [{ position: id, message }] : [];
    });
  }

  async close(): Promise<void> {
    this.running = false;
    await super.close();
    this.subscriber.disconnect();
    this.reader.disconnect();
    await this.reading;
  }
}
