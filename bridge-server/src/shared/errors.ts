import type { z } from 'zod';

/**
 * The one registry of error codes the bridge returns. Each code is stable: documented in the
 * README, never reused for another meaning, never renamed. A test checks both.
 */
export const ERROR_CODES = {
  UNAUTHORIZED: { status: 401, message: 'Missing or wrong API key: send Authorization: Bearer <BRIDGE_API_KEY>.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  BAD_REQUEST_TARGET: {
    status: 400,
    message: 'The request target must be a path such as /v1/calls, correctly percent-encoded.',
  },
  MALFORMED_REQUEST: { status: 400, message: 'The request is not valid HTTP.' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time.' },
  URI_TOO_LONG: { status: 414, message: 'The request URL is too long.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  NOT_FOUND: { status: 404, message: 'No such route.' },
  CALL_NOT_FOUND: { status: 404, message: 'No call has that id.' },
  SUBSCRIPTION_NOT_FOUND: { status: 404, message: 'No subscription has that id.' },
  WAITER_NOT_FOUND: { status: 404, message: 'No waiter has that id.' },
  DEAD_LETTER_NOT_FOUND: { status: 404, message: 'No dead letter has that id.' },
  TOOL_NOT_FOUND: { status: 404, message: 'No tool is registered with that name.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No inbound route has that id.' },
  NUMBER_ALREADY_ROUTED: { status: 409, message: 'Another inbound route already answers for that number.' },
  RECORDING_NOT_FOUND: { status: 404, message: 'The call has no recording.' },
  CALL_ALREADY_ENDED: { status: 409, message: 'The call has already ended.' },
  CALL_STILL_ACTIVE: { status: 409, message: 'The call is still going on; hang it up first.' },
  SUBSCRIPTION_LIMIT_REACHED: {
    status: 422,
    message: 'The bridge already holds the most subscriptions it takes; delete one first.',
  },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'This Idempotency-Key was used for a different request.' },
  MODE_NOT_CONFIGURED: { status: 422, message: 'The bridge is not configured for this call mode.' },
  ANALYSIS_NOT_CONFIGURED: {
    status: 422,
    message: 'Post-call analysis needs Gemini: set GEMINI_API_KEY (the analysis uses GEMINI_ANALYSIS_MODEL).',
  },
  TWILIO_SIGNATURE_INVALID: { status: 403, message: 'Missing or invalid X-Twilio-Signature.' },
  CARRIER_REJECTED: { status: 422, message: 'Twilio refused the request.' },
  CARRIER_UNAVAILABLE: { status: 503, message: 'Twilio could not be reached.' },
  CARRIER_AUTH_FAILED: {
    status: 502,
    message: "Twilio refused the bridge's credentials; check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.",
  },
  STORE_UNAVAILABLE: { status: 503, message: 'The store (Redis) is not reachable.' },
  ARCHIVE_UNAVAILABLE: { status: 503, message: 'The call history database (PostgreSQL) is not reachable.' },
  TOO_MANY_LIVE_VIEWERS: { status: 503, message: 'The live feed has as many viewers as it takes; try again later.' },
  SHUTTING_DOWN: { status: 503, message: 'The bridge is shutting down and takes no new calls.' },
  INTERNAL: { status: 500, message: 'Something went wrong inside the bridge.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes that were once used and must never be given a new meaning. */
export const RETIRED_ERROR_CODES: readonly string[] = [];

export interface ErrorDetail {
  /** Where the problem is, e.g. `to` or `agent.prompt`. */
  field?: string;
  problem: string;
}

export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: ErrorDetail[];
  /** Sent as Retry-After: when the request may usefully be tried again. */
  retryAfterSec?: number;

  constructor(code: ErrorCode, message: string = ERROR_CODES[code].message, details?: ErrorDetail[]) {
    super(message);
    this.name = 'BridgeError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = details;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: ErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export function isBridgeError(error: unknown): error is BridgeError {
  return error instanceof BridgeError;
}

/**
 * Validates a request body against a schema: the parsed value, or VALIDATION_FAILED listing every
 * problem with its field (`what` names the request in the message, e.g. "call request").
 */
export function parseRequestBody<S extends z.ZodTypeAny>(schema: S, body: unknown, what: string): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BridgeError('VALIDATION_FAILED', 'The body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data as z.output<S>;
  const details: ErrorDetail[] = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || undefined,
    problem: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  const summary = details.map((d) => (d.field ? `${d.field} ${d.problem}` : d.problem)).join('; ');
  throw new BridgeError('VALIDATION_FAILED', `Invalid ${what}: ${summary}.`, details);
}

/** A path parameter (`:name`, `:id`) checked by `schema`; its problem is a 400 naming `field`. */
export function parsePathParam<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
  field: string,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as z.output<S>;
  const problem = parsed.error.issues[0].message;
  throw new BridgeError('VALIDATION_FAILED', `Invalid ${what}: ${problem}.`, [{ field, problem }]);
}
