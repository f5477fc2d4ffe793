/**
 * When a failed delivery is tried again (CONTRACT §3): exponential backoff from about 1 s, capped
 * near 10 minutes, with jitter, for 24 hours; then the delivery becomes a dead letter.
 */

export const RETRY_WINDOW_MS = 24 * 3600_000;
export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 10 * 60_000;
/** n8n answers 404 briefly while a resumed execution's webhook is being registered. */
export const NOT_FOUND_RETRY_WINDOW_MS = 2 * 60_000;

export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'gone' }
  | { kind: 'retry'; reason: string }
  | { kind: 'not-found'; reason: string }
  | { kind: 'rejected'; reason: string };

/** What an HTTP status (or a network failure, status 0) means for the delivery. */
export function classifyResponse(status: number, error?: string, refused = false): AttemptOutcome {
  if (refused) return { kind: 'rejected', reason: error ?? 'target refused' };
  if (status === 0) return { kind: 'retry', reason: error ?? 'network error' };
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410) return { kind: 'gone' };
  if (status === 404) return { kind: 'not-found', reason: 'HTTP 404' };
  if (status === 408 || status === 409 || status === 429 || status >= 500)
    return { kind: 'retry', reason: `HTTP ${status}` };
  return { kind: 'rejected', reason: `HTTP ${status}` };
}

/** Delay before attempt number `attempt + 1` (attempt counts from 1), jittered ±20%. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
