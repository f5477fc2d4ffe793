/**
 * The bridge's public wire shapes (docs/api.md, docs/events.md). The n8n nodes keep a mirrored copy in
 * nodes/shared/wire-types.ts; a test holds the two files equal.
 */

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
  | 'party-failed';
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
  transcript: TranscriptEntry[];
}

export interface AgentSettings {
  prompt: string;
  greeting?: string;
  voice?: string;
  language?: string;
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
}

export type CallEventType = 'call.status' | 'call.transcript' | 'call.ended';

export interface CallEvent {
  id: string;
  type: CallEventType;
  createdAt: string;
  call: CallResource;
  /** `call.transcript` only: the one new entry. */
  utterance?: TranscriptEntry;
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
