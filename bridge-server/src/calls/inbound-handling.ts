import { z } from 'zod';
import type { InboundHandling } from '../shared/wire-types';
import { agentSettingsSchemaFor, e164, LIMITS } from './call-request';

/** What a caller hears when nobody has said how calls to the number are handled. */
export const POLITE_REFUSAL =
  'Thank you for calling. Nobody can take your call on this line right now. Please try again later. Goodbye.';

const MAX_MESSAGE_CHARS = 1000;

const metadata = z
  .record(z.string(), z.unknown())
  .optional()
  .refine((value) => !value || Buffer.byteLength(JSON.stringify(value)) <= LIMITS.metadataBytes, {
    message: `must be at most ${LIMITS.metadataBytes} bytes of JSON`,
  });

/** An inbound call's handling (an Incoming Call workflow's answer), with tool URLs held to `url`. */
export function inboundHandlingSchemaFor(url: z.ZodType<string>) {
  return z.discriminatedUnion('action', [
    z
      .object({
        action: z.literal('agent').describe('the voice agent answers'),
        agent: agentSettingsSchemaFor(url),
        maxDurationSec: z.number().int().min(LIMITS.maxDurationSec.min).max(LIMITS.maxDurationSec.max).optional(),
        metadata,
      })
      .strict(),
    z.object({ action: z.literal('forward').describe('the call is put through to `to`'), to: e164, metadata }).strict(),
    z
      .object({
        action: z.literal('reject').describe('the caller hears `message` and the call ends'),
        message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS).optional(),
        metadata,
      })
      .strict(),
  ]);
}

/** Why a reply is not a handling (every problem, for the log), or the handling. */
export function readHandling(
  schema: ReturnType<typeof inboundHandlingSchemaFor>,
  reply: unknown,
): { handling: InboundHandling } | { problem: string } {
  // Respond to Webhook may answer with the item list's first item as an array of one.
  const value = Array.isArray(reply) && reply.length === 1 ? (reply[0] as unknown) : reply;
  const parsed = schema.safeParse(value);
  if (parsed.success) return { handling: parsed.data as InboundHandling };
  return {
    problem: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'the reply'} ${issue.message}`).join('; '),
  };
}

/**
 * The bridge's own handling for numbers no route answers for: the agent with
 * INBOUND_DEFAULT_PROMPT when it is set (and agent mode is configured), else the polite refusal.
 * Never silence, never a carrier error tone.
 */
export function defaultHandling(defaultPrompt: string | undefined, agentMode: boolean): InboundHandling {
  if (defaultPrompt && agentMode) return { action: 'agent', agent: { prompt: defaultPrompt } };
  return { action: 'reject', message: POLITE_REFUSAL };
}
