import { z } from 'zod';
import { CALL_STATUSES } from '../model/call-record';
import { parseRequestBody } from '../shared/errors';
import type { CallQuery } from '../store/call-query';

export const MAX_LIST_LIMIT = 200;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A date (`2026-12-03`, a whole UTC day) or a date-time with its offset (`2026-12-03T09:30:00Z`). */
function dateParam(edge: 'from' | 'to') {
  return z
    .string()
    .trim()
    .refine((value) => DATE_ONLY.test(value) || z.string().datetime({ offset: true }).safeParse(value).success, {
      message: 'must be a date (2026-12-03) or an ISO 8601 date-time with an offset (2026-12-03T09:30:00Z)',
    })
    .transform(
      (value) =>
        Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value) +
        (edge === 'to' && DATE_ONLY.test(value) ? DAY_MS : 0),
    )
    .optional();
}

/** `GET /v1/calls` query: what to filter on and which page. */
export const callListQuerySchema = z
  .object({
    status: z
      .enum(['active', 'ended', ...CALL_STATUSES])
      .optional()
      .describe('active: not yet ended; ended: completed, busy, no-answer, failed or canceled; or one status'),
    mode: z.enum(['agent', 'transcribe']).optional(),
    direction: z.enum(['outbound', 'inbound']).optional(),
    q: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'words said in the call (full-text search over every archived call with DATABASE_URL; recent calls without), or digits of a phone number',
      ),
    number: z
      .string()
      .trim()
      .regex(/^\+?[\d\s().-]{3,32}$/, 'must be digits of a phone number (at least 3)')
      .optional()
      .describe('digits that to, from or connectTo contains'),
    from: dateParam('from').describe('calls created at or after this date or date-time'),
    to: dateParam('to').describe('calls created before this date-time, or up to the end of this date'),
    limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
    cursor: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextCursor from an earlier page')
      .optional(),
  })
  .strict();

export function parseCallListQuery(query: unknown): CallQuery {
  const { from, to, ...rest } = parseRequestBody(callListQuerySchema, query ?? {}, 'call list query');
  return { ...rest, ...(from !== undefined ? { since: from } : {}), ...(to !== undefined ? { until: to } : {}) };
}
