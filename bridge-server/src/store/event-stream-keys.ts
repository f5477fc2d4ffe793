/**
 * The public read side of events (CONTRACT §3): every event is appended to the stream
 * `<prefix>events` (field `event` = the JSON body) and published on `<prefix>events:<type>`.
 */
export const EVENTS_STREAM_MAX_LENGTH = 100_000;

export function eventsStreamKey(prefix: string): string {
  return `${prefix}events`;
}

export function eventChannel(prefix: string, type: string): string {
  return `${prefix}events:${type}`;
}
