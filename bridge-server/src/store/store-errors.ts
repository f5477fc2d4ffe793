/**
 * Whether an error from a store call means "the store cannot be reached right now" (as opposed
 * to a bug): the API answers those with 503 STORE_UNAVAILABLE, and calls in progress hold their
 * writes until the store is back.
 */
const UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable",
  'Connection is closed',
  'Command timed out',
  'Reached the max retries per request limit',
  'LOADING ',
  'CLUSTERDOWN',
  'TRYAGAIN',
  'MASTERDOWN',
];
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('the store is not reachable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

export function isStoreUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  return UNAVAILABLE_MESSAGES.some((text) => error.message.startsWith(text) || error.message.includes(text));
}
