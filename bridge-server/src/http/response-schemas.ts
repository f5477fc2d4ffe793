import { CALL_STATUSES } from '../model/call-record';
import { z } from 'zod';
import { GEMINI_VOICES } from '../agent/voices';

/** What the API answers, for its OpenAPI document (the wire types in wire-types.ts, as schemas). */

const isoTime = z.string().datetime().describe('ISO-8601');
const speaker = z
  .enum(['agent', 'callee', 'party'])
  .describe('agent: the AI voice; callee: the person at `to`; party: the person at `connectTo`');
const labels = z.object({ callee: z.string().optional(), party: z.string().optional() });

export const errorBody = z.object({
  error: z.object({
    code: z.string().describe('stable code, e.g. VALIDATION_FAILED'),
    message: z.string(),
    details: z.array(z.object({ field: z.string().optional(), problem: z.string() })).optional(),
  }),
});

export const transcriptEntry = z.object({
  seq: z.number().int(),
  speaker,
  label: z.string().optional().describe("the speaker's name from the call's labels"),
  text: z.string(),
  startMs: z.number().int().describe('from the start of the media stream'),
  endMs: z.number().int(),
  kind: z.literal('tool').optional().describe('the agent used a tool: `tool` says which, with what, and the outcome'),
  tool: z
    .object({
      id: z.string(),
      name: z.string(),
      source: z.enum(['webhook', 'mcp', 'built-in']),
      input: z.record(z.string(), z.unknown()),
      result: z.unknown().optional(),
      error: z.string().optional(),
      cancelled: z.boolean().optional(),
      durationMs: z.number().int(),
    })
    .optional(),
});

export const callResource = z.object({
  id: z.string(),
  twilioCallSid: z.string().nullable(),
  mode: z.enum(['agent', 'transcribe']),
  direction: z.enum(['outbound', 'inbound']).describe('inbound: someone called one of your numbers'),
  to: z.string(),
  from: z.string(),
  connectTo: z.string().nullable(),
  status: z.enum(CALL_STATUSES),
  answeredBy: z
    .enum(['human', 'machine', 'fax', 'unknown'])
    .nullable()
    .describe('null until answering-machine detection reports (or when it is off)'),
  endReason: z
    .enum([
      'callee-hangup',
      'agent-hangup',
      'api-hangup',
      'max-duration',
      'machine',
      'no-answer',
      'busy',
      'failed',
      'canceled',
      'error',
      'party-no-answer',
      'party-busy',
      'party-failed',
      'transferred',
      'forwarded',
      'rejected',
    ])
    .nullable(),
  createdAt: isoTime,
  answeredAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  durationSec: z.number().int().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  labels: labels.optional(),
  transcriptionError: z
    .string()
    .optional()
    .describe('present when Speech-to-Text refused a track for good: why (the call went on without it)'),
  transfer: z
    .object({
      to: z.string(),
      mode: z.enum(['cold', 'warm']),
      outcome: z.enum(['connecting', 'connected', 'no-answer', 'busy', 'failed']),
      summary: z.string().optional(),
    })
    .optional()
    .describe('present once the agent has tried to transfer the call'),
  callerName: z.string().optional().describe("inbound calls: the caller's name, when Twilio gave one"),
  analysis: z
    .object({
      summary: z.string().optional(),
      fields: z.record(z.string(), z.unknown()).optional().describe("typed as the request's `analysis.fields` schema"),
      model: z.string(),
      analyzedAt: isoTime,
    })
    .optional()
    .describe('post-call analysis, once done (calls placed with `analysis`); announced by `call.analyzed`'),
  analysisError: z.string().optional().describe('why the post-call analysis failed, when it did'),
  transcript: z.array(transcriptEntry).describe('in spoken order'),
});

export const callList = z.object({
  calls: z.array(callResource),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});

export const erasedCallData = z.object({
  id: z.string(),
  store: z.boolean().describe('the record and transcript were in the store'),
  archive: z.boolean().nullable().describe('the archive held the call (null: no DATABASE_URL)'),
  events: z.number().int().describe('events stream entries and dead letters removed'),
  recording: z.boolean().nullable().describe("the call's recording was deleted at Twilio (null: it had none)"),
});

export const callSettings = z.object({
  id: z.string(),
  mode: z.enum(['agent', 'transcribe']),
  agent: z
    .object({
      prompt: z.string(),
      greeting: z.string().optional(),
      voice: z.enum(GEMINI_VOICES).optional(),
      language: z.string().optional(),
    })
    .nullable(),
  language: z.string(),
  labels: labels.nullable(),
  maxDurationSec: z.number().int(),
  ringTimeoutSec: z.number().int(),
  machineDetection: z.enum(['off', 'hangup', 'continue']),
  record: z.boolean(),
  analysis: z
    .object({
      summary: z.boolean().optional(),
      fields: z.record(z.string(), z.unknown()).optional(),
      prompt: z.string().optional(),
    })
    .nullable(),
});

const subscriptionView = z.object({ id: z.string(), url: z.string(), events: z.array(z.string()), createdAt: isoTime });
export const subscriptionCreated = subscriptionView.extend({
  secret: z.string().describe('signs every delivery; shown once'),
});
export const subscription = subscriptionView;
export const subscriptionList = z.object({ subscriptions: z.array(subscriptionView) });

export const waiterCreated = z.object({
  id: z.string(),
  secret: z.string(),
  callIds: z.array(z.string()),
  url: z.string(),
  timeoutSec: z.number().int(),
  createdAt: isoTime,
});
export const waiter = waiterCreated.omit({ secret: true }).extend({ deadline: z.number().describe('epoch ms') });

export const deadLetters = z.object({
  deadLetters: z.array(
    z.object({
      id: z.string(),
      eventId: z.string(),
      target: z.object({ kind: z.enum(['subscription', 'waiter']), id: z.string(), url: z.string() }),
      attempts: z.number().int(),
      firstQueuedAt: z.number(),
      lastError: z.string().optional(),
      deadAt: isoTime,
      reason: z.string(),
    }),
  ),
});
export const replayed = z.object({ replayed: z.string() });

export const health = z.object({ ok: z.literal(true) });
export const readiness = z.object({
  ready: z.boolean(),
  store: z.enum(['ok', 'unavailable']),
  acceptingCalls: z.boolean(),
  sandbox: z.boolean(),
  modes: z.array(z.enum(['agent', 'transcribe'])),
});

export const idParams = z.object({ id: z.string() });
