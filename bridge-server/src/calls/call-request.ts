import { z } from 'zod';
import { GEMINI_VOICES } from '../agent/voices';
import { parseRequestBody } from '../shared/errors';
import type { PlaceCallRequest } from '../shared/wire-types';
import { agentActionFields } from './agent-tools-request';
import { analysisRequestSchema } from './analysis-request';

/** Validation of `POST /v1/calls`: every field, every problem reported at once. */

export const LIMITS = {
  promptChars: 32_000,
  greetingChars: 1_000,
  metadataBytes: 16_384,
  maxDurationSec: { min: 10, max: 14_400, default: 600 },
  ringTimeoutSec: { min: 5, max: 600, default: 30 },
} as const;

export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551230000');
const language = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP-47 language tag such as en-US');

/** What to call a speaker in transcripts (`Lead`, `Rep`) instead of `callee`/`party`. */
const speakerLabel = z.string().trim().min(1).max(40);

const agentFields = {
  prompt: z.string().trim().min(1, 'is required').max(LIMITS.promptChars).describe("the agent's instructions"),
  greeting: z
    .string()
    .trim()
    .max(LIMITS.greetingChars)
    .optional()
    .describe('said first, word for word, when the callee answers'),
  voice: z
    .enum(GEMINI_VOICES, {
      errorMap: () => ({ message: `must be one of Gemini's voices: ${GEMINI_VOICES.join(', ')}` }),
    })
    .optional(),
  language: language.optional(),
};

/** A call's `agent` (also an inbound call's handling), with tool and MCP URLs held to `url`. */
export function agentSettingsSchemaFor(url: z.ZodType<string>) {
  return z.object({ ...agentFields, ...agentActionFields(url) }).strict();
}

/** `POST /v1/calls` with tool and MCP URLs held to `url` (the target policy): every problem at once. */
export function placeCallRequestSchemaFor(url: z.ZodType<string>) {
  const agentSchema = agentSettingsSchemaFor(url);
  return z
    .object({
      to: e164.describe('the number to call'),
      from: e164.optional().describe('caller id; defaults to TWILIO_FROM_NUMBER'),
      mode: z
        .enum(['agent', 'transcribe'])
        .describe(
          'agent: the callee talks with the Gemini voice agent; transcribe: the callee is connected to connectTo and both are transcribed',
        ),
      agent: agentSchema.optional().describe('agent mode: what the voice agent is told and how it sounds'),
      connectTo: e164.optional().describe('transcribe mode: the second party, dialled once the callee answers'),
      transcribe: z
        .object({
          language: language.optional(),
          labels: z.object({ callee: speakerLabel.optional(), party: speakerLabel.optional() }).strict().optional(),
        })
        .strict()
        .optional(),
      maxDurationSec: z
        .number()
        .int()
        .min(LIMITS.maxDurationSec.min)
        .max(LIMITS.maxDurationSec.max)
        .optional()
        .describe(`default ${LIMITS.maxDurationSec.default}`),
      ringTimeoutSec: z
        .number()
        .int()
        .min(LIMITS.ringTimeoutSec.min)
        .max(LIMITS.ringTimeoutSec.max)
        .optional()
        .describe(`default ${LIMITS.ringTimeoutSec.default}`),
      machineDetection: z
        .enum(['off', 'hangup', 'continue'])
        .optional()
        .describe(
          'off (default); hangup: end the call when a machine answers; continue: go on (the agent leaves a message)',
        ),
      record: z.boolean().optional(),
      analysis: analysisRequestSchema.optional(),
      metadata: z
        .record(z.string(), z.unknown())
        .optional()
        .describe(`any JSON object, up to ${LIMITS.metadataBytes} bytes; returned with the call and its events`),
    })
    .strict()
    .superRefine((body, ctx) => {
      if (body.mode === 'agent' && !body.agent)
        ctx.addIssue({ code: 'custom', path: ['agent', 'prompt'], message: 'is required in agent mode' });
      if (body.mode === 'agent' && body.connectTo)
        ctx.addIssue({ code: 'custom', path: ['connectTo'], message: 'is only used in transcribe mode' });
      if (body.mode === 'transcribe' && !body.connectTo)
        ctx.addIssue({ code: 'custom', path: ['connectTo'], message: 'is required in transcribe mode' });
      if (body.mode === 'transcribe' && body.agent)
        ctx.addIssue({ code: 'custom', path: ['agent'], message: 'is only used in agent mode' });
      if (body.metadata && Buffer.byteLength(JSON.stringify(body.metadata)) > LIMITS.metadataBytes) {
        ctx.addIssue({
          code: 'custom',
          path: ['metadata'],
          message: `must be at most ${LIMITS.metadataBytes} bytes of JSON`,
        });
      }
      if (body.to && body.to === body.connectTo)
        ctx.addIssue({ code: 'custom', path: ['connectTo'], message: 'must differ from to' });
      if (body.agent?.transfer && body.agent.transfer.to === body.to)
        ctx.addIssue({ code: 'custom', path: ['agent', 'transfer', 'to'], message: 'must differ from to' });
    });
}

/** For the OpenAPI document: the shape, with URLs as plain URLs. */
export const placeCallRequestSchema = placeCallRequestSchemaFor(z.string().url());

export function placeCallRequestParser(url: z.ZodType<string>): (body: unknown) => PlaceCallRequest {
  const schema = placeCallRequestSchemaFor(url);
  return (body) => parseRequestBody(schema, body, 'call request') as PlaceCallRequest;
}
