import { z } from 'zod';
import { BridgeError, parseRequestBody } from '../shared/errors';
import { MAX_TARGET_URL_CHARS, targetRefusal, type TargetPolicy } from './target-policy';

/** Validation of `POST /v1/subscriptions` and `POST /v1/waiters`. */

export const MAX_WAITER_CALLS = 100;
export const WAITER_TIMEOUT_SEC = { min: 1, max: 7 * 24 * 3600, default: 3600 } as const;

/** A URL the target policy accepts (its literal host; the resolved address is checked later). */
export function targetUrlSchema(policy: TargetPolicy): z.ZodType<string> {
  return z
    .string()
    .max(MAX_TARGET_URL_CHARS, `must be at most ${MAX_TARGET_URL_CHARS} characters`)
    .superRefine((url, ctx) => {
      if (url.length > MAX_TARGET_URL_CHARS) return;
      const refusal = policy.refusal(url);
      if (refusal) ctx.addIssue({ code: 'custom', message: refusal });
    })
    .describe(
      'http(s) URL; never a link-local or cloud-metadata address, nor one outside WEBHOOK_ALLOWED_HOSTS when that is set',
    );
}

const secret = z.string().min(16, 'must be at least 16 characters').max(256);

/** The two request bodies, for a policy (their `url` obeys it). */
export function deliveryRequestSchemas(policy: TargetPolicy) {
  const url = targetUrlSchema(policy);
  return {
    subscription: z
      .object({
        url,
        events: z
          .array(z.enum(['call.status', 'call.transcript', 'call.tool', 'call.ended', 'call.analyzed']))
          .min(1, 'must name at least one event type')
          .max(10),
        secret: secret.optional(),
      })
      .strict(),
    waiter: z
      .object({
        callIds: z.array(z.string().min(1).max(100)).min(1, 'must list at least one call id').max(MAX_WAITER_CALLS),
        url,
        timeoutSec: z.number().int().min(WAITER_TIMEOUT_SEC.min).max(WAITER_TIMEOUT_SEC.max).optional(),
        secret: secret.optional(),
      })
      .strict(),
  };
}

type Schemas = ReturnType<typeof deliveryRequestSchemas>;
export type SubscriptionRequest = z.infer<Schemas['subscription']>;
export type WaiterRequest = z.infer<Schemas['waiter']>;

export interface DeliveryRequestParser {
  subscription(body: unknown): SubscriptionRequest;
  waiter(body: unknown): WaiterRequest;
}

export function deliveryRequestParser(policy: TargetPolicy): DeliveryRequestParser {
  const built = deliveryRequestSchemas(policy);
  return {
    subscription: (body) => parseRequestBody(built.subscription, body, 'subscription'),
    waiter: (body) => parseRequestBody(built.waiter, body, 'waiter'),
  };
}

/** The resolution half of the target check, once the body is valid: VALIDATION_FAILED on `url`. */
export async function checkTargetResolves(policy: TargetPolicy, url: string, what: string): Promise<void> {
  const refusal = await targetRefusal(policy, url);
  if (refusal)
    throw new BridgeError('VALIDATION_FAILED', `Invalid ${what}: url ${refusal}.`, [
      { field: 'url', problem: refusal },
    ]);
}
