import { z } from 'zod';
import { parseRequestBody } from '../errors';
import type { PlaceCallRequest } from '../wire-types';

/** Validation of `POST /v1/calls`: every field, every problem reported at once. */

export const LIMITS = {
  promptChars: 32_000,
  greetingChars: 1_000,
  metadataBytes: 16_384,
  maxDurationSec: { min: 10, max: 14_400, default: 600 },
  ringTimeoutSec: { min: 5, max: 600, default: 30 },
} as const;

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551230000');
const language = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP-47 language tag such as en-US');

const agentSchema = z
  .object({
    prompt: z.string().trim().min(1, 'is required').max(LIMITS.promptChars),
    greeting: z.string().trim().max(LIMITS.greetingChars).optional(),
    voice: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'must be a voice name such as Puck').optional(),
    language: language.optional(),
  })
  .strict();

const requestSchema = z
  .object({
    to: e164,
    from: e164.optional(),
    mode: z.enum(['agent', 'transcribe']),
    agent: agentSchema.optional(),
    connectTo: e164.optional(),
    transcribe: z.object({ language: language.optional() }).strict().optional(),
    maxDurationSec: z.number().int().min(LIMITS.maxDurationSec.min).max(LIMITS.maxDurationSec.max).optional(),
    ringTimeoutSec: z.number().int().min(LIMITS.ringTimeoutSec.min).max(LIMITS.ringTimeoutSec.max).optional(),
    machineDetection: z.enum(['off', 'hangup', 'continue']).optional(),
    record: z.boolean().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.mode === 'agent' && !body.agent) ctx.addIssue({ code: 'custom', path: ['agent', 'prompt'], message: 'is required in agent mode' });
    if (body.mode === 'agent' && body.connectTo) ctx.addIssue({ code: 'custom', path: ['connectTo'], message: 'is only used in transcribe mode' });
    if (body.mode === 'transcribe' && !body.connectTo) ctx.addIssue({ code: 'custom', path: ['connectTo'], message: 'is required in transcribe mode' });
    if (body.mode === 'transcribe' && body.agent) ctx.addIssue({ code: 'custom', path: ['agent'], message: 'is only used in agent mode' });
    if (body.metadata && Buffer.byteLength(JSON.stringify(body.metadata)) > LIMITS.metadataBytes) {
      ctx.addIssue({ code: 'custom', path: ['metadata'], message: `must be at most ${LIMITS.metadataBytes} bytes of JSON` });
    }
    if (body.to && body.to === body.connectTo) ctx.addIssue({ code: 'custom', path: ['connectTo'], message: 'must differ from to' });
  });

export function parsePlaceCallRequest(body: unknown): PlaceCallRequest {
  return parseRequestBody(requestSchema, body, 'call request');
}
