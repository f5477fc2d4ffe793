import { z } from 'zod';
import { parseRequestBody } from '../shared/errors';
import type { CallQuery } from '../store/call-query';

export const MAX_LIST_LIMIT = 200;

/** `GET /v1/calls` query: what to filter on and which page. */
export const callListQuerySchema = z
  .object({
    status: z
      .enum(['active', 'ended'])
      .optional()
      .describe('active: not yet ended; ended: completed, busy, no-answer, failed or canceled'),
    mode: z.enum(['agent', 'transcribe']).optional(),
    direction: z.enum(['outbound', 'inbound']).optional(),
    q: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('digits of a phone number (to, from or connectTo), or words said in the call (recent calls)'),
    limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
    cursor: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextCursor from an earlier page')
      .optional(),
  })
  .strict();

export function parseCallListQuery(query: unknown): CallQuery {
  return parseRequestBody(callListQuerySchema, query ?? {}, 'call list query');
}
