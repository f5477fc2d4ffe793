/**
 * The bridge's public wire shapes (docs/api.md, docs/events.md); the agent's and the analysis's
 * are in agent-wire-types.ts. The n8n nodes keep mirrored copies of both files in nodes/shared/;
 * a test holds them equal.
 */

import type { AgentSettings, AnalysisRequest, CallAnalysis, TransferOutcome } from './agent-wire-types';

export type {
  AgentSettings,
  AgentTool,
  AnalysisRequest,
  CallAnalysis,
  McpServerSettings,
  RegisteredTool,
  TransferOutcome,
  TransferSettings,
} from './agent-wire-types';

export type CallMode = 'agent' | 'transcribe';
export type CallStatus =
  'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
export type EndReason =
  | 'callee-hangup'
  | 'agent-hangup'
  | 'api-hangup'
  | 'max-duration'
  | 'machine'
  | 'no-answer'
  | 'busy'
  | 'failed'
  | 'canceled'
  | 'error'
  | 'party-no-answer'
  | 'party-busy'
  | 'party-failed'
  | 'transferred'
  | 'forwarded'
  | 'rejected';
/** outbound: placed through the API; inbound: someone called one of your Twilio numbers. */
export type CallDirection = 'outbound' | 'inbound';
export type MachineDetection = 'off' | 'hangup' | 'continue';
export type AnsweredBy = 'human' | 'machine' | 'fax' | 'unknown';
export type Speaker = 'agent' | 'callee' | 'party';

export interface TranscriptEntry {
  seq: number;
  speaker: Speaker;
  text: string;
  /** Milliseconds from the start of the media stream. */
  startMs: number;
  endMs: number;
  /** The speaker's name from the call's `labels`, when it has them. */
  label?: string;
  /** `tool`: the agent used a tool (the entry's `tool` says which, with what, and what came back). */
  kind?: 'tool';
  tool?: ToolUse;
}

/** One tool call the agent made, as the transcript and `call.tool` events carry it. */
export interface ToolUse {
  /** Gemini's tool-call id (the idempotency key of the tool request). */
  id: string;
  name: string;
  source: 'webhook' | 'mcp' | 'built-in';
  /** The arguments the model gave (named `input`: n8n expressions refuse a property named `arguments`). */
  input: Record<string, unknown>;
  /** The reply, when the tool answered. */
  result?: unknown;
  /** Why the tool failed (timeout, error status, unreachable), when it did. */
  error?: string;
  /** Cancelled by the model before it answered. */
  cancelled?: boolean;
  durationMs: number;
}

/** Names for the people on a transcribed call, used in transcripts instead of callee/party. */
export interface SpeakerLabels {
  callee?: string;
  party?: string;
}

export interface CallResource {
  id: string;
  twilioCallSid: string | null;
  mode: CallMode;
  direction: CallDirection;
  to: string;
  from: string;
  connectTo: string | null;
  status: CallStatus;
  answeredBy: AnsweredBy | null;
  endReason: EndReason | null;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSec: number | null;
  metadata: Record<string, unknown>;
  /** Present when the call was placed with speaker labels. */
  labels?: SpeakerLabels;
  /** Present when Speech-to-Text refused a track for good: why (the call went on without it). */
  transcriptionError?: string;
  /** Present once the agent has tried to transfer the call. */
  transfer?: TransferOutcome;
  /** Inbound calls: the caller's name, when Twilio's caller-name lookup gave one. */
  callerName?: string;
  /** Post-call analysis, once done (calls placed with `analysis`); `call.analyzed` announces it. */
  analysis?: CallAnalysis;
  /** Why the post-call analysis failed, when it did (the call's other data are unaffected). */
  analysisError?: string;
  /** Calls placed with `record: true`, once Twilio has the recording: `GET /v1/calls/:id/recording` plays it. */
  recording?: CallRecording;
  transcript: TranscriptEntry[];
}

/** A call's recording at Twilio: two channels (the callee, then the agent or the party). */
export interface CallRecording {
  /** Twilio's Recording SID (RE…). */
  sid: string;
  durationSec: number;
  channels: number;
  /** absent: Twilio made no recording (nothing was said, or it failed). */
  status: 'completed' | 'absent';
}

export interface PlaceCallRequest {
  to: string;
  from?: string;
  mode: CallMode;
  agent?: AgentSettings;
  connectTo?: string;
  transcribe?: { language?: string; labels?: SpeakerLabels };
  maxDurationSec?: number;
  ringTimeoutSec?: number;
  machineDetection?: MachineDetection;
  record?: boolean;
  metadata?: Record<string, unknown>;
  analysis?: AnalysisRequest;
}

/** `GET /v1/calls/:id/settings`: what a call was placed with. */
export interface CallSettings {
  id: string;
  mode: CallMode;
  agent: AgentSettings | null;
  language: string;
  labels: SpeakerLabels | null;
  maxDurationSec: number;
  ringTimeoutSec: number;
  machineDetection: MachineDetection;
  record: boolean;
  analysis: AnalysisRequest | null;
}

/** How an inbound call is handled: the Incoming Call workflow's answer (or a fallback). */
export type InboundHandling =
  | { action: 'agent'; agent: AgentSettings; maxDurationSec?: number; metadata?: Record<string, unknown> }
  | { action: 'forward'; to: string; metadata?: Record<string, unknown> }
  | { action: 'reject'; message?: string; metadata?: Record<string, unknown> };

/** What the bridge knows of a caller from earlier calls with their number (either direction). */
export interface CallerHistory {
  /** Earlier calls with this number that have ended (up to 50, among the bridge's 2,000 most recent calls). */
  calls: number;
  lastCallAt: string | null;
  lastEndReason: EndReason | null;
  /** What the caller said on the last call, in brief (their first words, up to 300 characters). */
  lastSummary: string | null;
}

/** `POST` to an inbound route's URL when one of its numbers rings: its reply is the handling. */
export interface IncomingCallRequest {
  callId: string;
  from: string;
  to: string;
  callerName: string | null;
  history: CallerHistory;
  /** The bridge waits this long for the reply before it uses the route's fallback. */
  deadlineMs: number;
}

/** `PUT /v1/inbound-routes/:id`: where the bridge asks how calls to these numbers are handled. */
export interface InboundRoute {
  id: string;
  url: string;
  /** The numbers it answers for (E.164); empty: every number without a route of its own. */
  numbers: string[];
  /** Used when the URL does not answer in time or answers with something the bridge cannot use (absent: the bridge's default). */
  fallback?: InboundHandling;
  registeredAt: string;
}

export type CallEventType = 'call.status' | 'call.transcript' | 'call.tool' | 'call.ended' | 'call.analyzed';

export interface CallEvent {
  id: string;
  type: CallEventType;
  createdAt: string;
  call: CallResource;
  /** `call.transcript` only: the one new entry. */
  utterance?: TranscriptEntry;
  /** `call.tool` only: the tool call, once it has its result (or failed, or was cancelled). */
  tool?: ToolUse;
}

export interface WaiterDoneEvent {
  id: string;
  type: 'waiter.done';
  createdAt: string;
  waiterId: string;
  timedOut: boolean;
  calls: CallResource[];
}

export type DeliveredEvent = CallEvent | WaiterDoneEvent;

export interface ErrorBody {
  error: { code: string; message: string; details?: { field?: string; problem: string }[] };
}

export const SIGNATURE_HEADER = 'X-Voice-Bridge-Signature';
/** Receivers reject deliveries whose timestamp is further than this from their clock. */
export const SIGNATURE_TOLERANCE_SEC = 300;
