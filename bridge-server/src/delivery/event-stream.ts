import type { Redis } from 'ioredis';
import type { DeliveredEvent } from '../wire-types';

/** The public read side of events: the `events` stream (XADD, field `event`) and pub/sub channels. */
export const EVENTS_STREAM_MAX_LENGTH = 100_000;

export function eventsStreamKey(prefix: string): string {
  return `${prefix}events`;
}

export function eventChannel(prefix: string, type: string): string {
  return `${prefix}events:${type}`;
}

export async function appendToEventsStream(redis: Redis, prefix: string, event: DeliveredEvent, json = JSON.stringify(event)): Promise<void> {
  await redis.multi().xadd(eventsStreamKey(prefix), 'MAXLEN', '~', EVENTS_STREAM_MAX_LENGTH, '*', 'event', json).publish(eventChannel(prefix, event.type), json).exec();
}
