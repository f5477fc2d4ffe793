import { z } from 'zod';
import { parseRequestBody } from '../errors';

/** Validation of `POST /v1/subscriptions` and `POST /v1/waiters`. */

const httpUrl = z
  .string()
  .url('must be a URL')
  .refine((url) => /^https?:\/\//i.test(url), 'must be an http or https URL');
const secret = z.string().min(16, 'must be at least 16 characters').max(256);

export const MAX_WAITER_CALLS = 100;
export const WAITER_TIMEOUT_SEC = { min: 1, max: 7 * 24 * 3600, default: 3600 } as const;

const subscriptionSchema = z
  .object({
    url: httpUrl,
    events: z.array(z.enum(['call.status', 'call.transcript', 'call.ended'])).min(1, 'must name at least one event type'),
    secret: secret.optional(),
  })
  .strict();

const waiterSchema = z
  .object({
    callIds: z.array(z.string().min(1).max(100)).min(1, 'must list at least one call id').max(MAX_WAITER_CALLS),
    url: httpUrl,
    timeoutSec: z.number().int().min(WAITER_TIMEOUT_SEC.min).max(WAITER_TIMEOUT_SEC.max).optional(),
    secret: secret.optional(),
  })
  .strict();

export type SubscriptionRequest = z.infer<typeof subscriptionSchema>;
export type WaiterRequest = z.infer<typeof waiterSchema>;

export const parseSubscriptionRequest = (body: unknown): SubscriptionRequest => parseRequestBody(subscriptionSchema, body, 'subscription');
export const parseWaiterRequest = (body: unknown): WaiterRequest => parseRequestBody(waiterSchema, body, 'waiter');
