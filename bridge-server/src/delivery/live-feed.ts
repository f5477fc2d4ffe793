import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { eventChannel } from '../store/event-stream-keys';
import type { DeliveredEvent, Speaker } from '../wire-types';

/** A provisional transcript for one speaker of a live call; the final entry replaces it. */
export interface InterimUpdate {
  type: 'transcript.interim';
  callId: string;
  speaker: Speaker;
  text: string;
  startMs: number;
}

export type LiveMessage = DeliveredEvent | InterimUpdate;

/**
 * What live viewers (the dashboard) see: every event, plus interim transcripts that are never
 * stored or delivered. Across bridge instances this rides on Redis pub/sub: events on the
 * channels they are published on anyway, interims on their own channel.
 */
export interface LiveFeed {
  interim(update: Omit<InterimUpdate, 'type'>): void;
  subscribe(listener: (message: LiveMessage) => void): () => void;
  close(): Promise<void>;
}

/** One process: events come straight from the in-memory store, interims from the handlers. */
export class MemoryLiveFeed implements LiveFeed {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  /** A stored event, or an interim that came through Redis. */
  event(message: LiveMessage): void {
    this.emitter.emit('message', message);
  }

  interim(update: Omit<InterimUpdate, 'type'>): void {
    this.emitter.emit('message', { type: 'transcript.interim', ...update });
  }

  subscribe(listener: (message: LiveMessage) => void): () => void {
    this.emitter.on('message', listener);
    return () => this.emitter.off('message', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

export class RedisLiveFeed implements LiveFeed {
  private readonly local = new MemoryLiveFeed();
  private readonly interimChannel: string;

  /** `subscriber` is a connection of its own: in subscriber mode it can run no other command. */
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    log: Logger,
  ) {
    this.interimChannel = `${prefix}live:interim`;
    const eventsPattern = eventChannel(prefix, 'call.*');
    subscriber.psubscribe(eventsPattern).catch((error: unknown) => log.warn({ err: error }, 'live feed could not subscribe to events'));
    subscriber.subscribe(this.interimChannel).catch((error: unknown) => log.warn({ err: error }, 'live feed could not subscribe to interims'));
    const forward = (json: string) => {
      try {
        this.local.event(JSON.parse(json) as LiveMessage);
      } catch (error) {
        log.warn({ err: error }, 'live feed dropped a malformed message');
      }
    };
    subscriber.on('pmessage', (_pattern: string, _channel: string, json: string) => forward(json));
    subscriber.on('message', (_channel: string, json: string) => forward(json));
  }

  interim(update: Omit<InterimUpdate, 'type'>): void {
    void this.publisher.publish(this.interimChannel, JSON.stringify({ type: 'transcript.interim', ...update })).catch(() => undefined);
  }

  subscribe(listener: (message: LiveMessage) => void): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
  }
}
