import { z } from 'zod';
import { BridgeError } from '../errors';

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

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || undefined,
    problem: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  throw new BridgeError('VALIDATION_FAILED', `Invalid ${what}: ${details.map((d) => `${d.field ?? 'body'} ${d.problem}`).join('; ')}.`, details);
}

export type SubscriptionRequest = z.infer<typeof subscriptionSchema>;
export type WaiterRequest = z.infer<typeof waiterSchema>;

export const parseSubscriptionRequest = (body: unknown): SubscriptionRequest => parse(subscriptionSchema, body, 'subscription');
export const parseWaiterRequest = (body: unknown): WaiterRequest => parse(waiterSchema, body, 'waiter');
