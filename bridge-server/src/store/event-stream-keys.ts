/**
 * The public read side of events (CONTRACT §3): every event is appended to the stream
 * `<prefix>events` (field `event` = the JSON body, at most EVENTS_STREAM_MAX_LENGTH entries) and
 * published on `<prefix>events:<type>`.
 */

export function eventsStreamKey(prefix: string): string {
  return `${prefix}events`;
}

export function eventChannel(prefix: string, type: string): string {
  return `${prefix}events:${type}`;
}

/** The event's JSON in a stream entry's fields (`[name, value, …]`); undefined once the entry was trimmed or deleted. */
export function eventBodyOf(fields: string[] | null | undefined): string | undefined {
  const at = fields ? fields.indexOf('event') : -1;
  return at >= 0 ? fields![at + 1] : undefined;
}
