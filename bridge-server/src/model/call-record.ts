import type {
  AgentSettings,
  AnalysisRequest,
  CallDirection,
  CallResource,
  CallStatus,
  EndReason,
  MachineDetection,
  SpeakerLabels,
  TranscriptEntry,
} from '../shared/wire-types';

/** A call as the store keeps it: the public resource's fields (less the transcript) and the settings. */
export interface CallRecord extends Omit<CallResource, 'transcript' | 'direction'> {
  /** Absent on records written before inbound calls existed: outbound. */
  direction?: CallDirection;
  agent: AgentSettings | null;
  language: string;
  maxDurationSec: number;
  ringTimeoutSec: number;
  machineDetection: MachineDetection;
  record: boolean;
  /** What the post-call analysis is to work out (absent: none). */
  analysisRequest?: AnalysisRequest;
  /** A recorded call that was answered: `call.ended` waits for its recording until then (epoch ms). */
  recordingDueBy?: number;
  /** Why the bridge asked Twilio to end the call; becomes `endReason` when the call completes. */
  requestedEndReason: EndReason | null;
  /**
   * The secret a media stream must present (as a <Parameter>) to carry this call: only the
   * stream Twilio opened from this call's TwiML knows it. Never part of the public resource.
   */
  streamToken: string;
  /** When the first media stream started (epoch ms): a later stream's transcript clock goes on from it. */
  streamStartedAt?: number;
  /**
   * The bridge instance answerable for the call: the one that placed (or answered) it, then the
   * one carrying its media stream. Another instance finishes the call if this one dies.
   */
  instance?: string;
  /** Where the media stream is: `call.ended` waits until it has finished and flushed transcripts. */
  media: 'none' | 'streaming' | 'finished';
  /** Set once `call.ended` has been emitted, so it goes out exactly once across instances. */
  endedEventSent: boolean;
  /** Bumped on every write; the Redis store uses it for compare-and-set. */
  version: number;
}

/** Every status a call can have, in the order a call goes through them. */
export const CALL_STATUSES = [
  'queued',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
] as const satisfies readonly CallStatus[];

export const TERMINAL_STATUSES: readonly CallStatus[] = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

export function isTerminal(status: CallStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Whether `call.ended` still waits for the call's recording (Twilio posts it a moment after the call ends). */
export function awaitingRecording(call: CallRecord, now: number): boolean {
  return call.recordingDueBy !== undefined && call.recording === undefined && now < call.recordingDueBy;
}

/** Whether the call's post-call analysis is over (done, failed, or never asked for). */
export function analysisSettled(call: CallRecord): boolean {
  return !call.analysisRequest || call.analysis !== undefined || call.analysisError !== undefined;
}

function labelled(entry: TranscriptEntry, labels: SpeakerLabels): TranscriptEntry {
  const label = labels[entry.speaker as keyof SpeakerLabels];
  return label ? { ...entry, label } : entry;
}

export function toResource(call: CallRecord, transcript: TranscriptEntry[]): CallResource {
  return {
    id: call.id,
    twilioCallSid: call.twilioCallSid,
    mode: call.mode,
    direction: call.direction ?? 'outbound',
    to: call.to,
    from: call.from,
    connectTo: call.connectTo,
    status: call.status,
    answeredBy: call.answeredBy,
    endReason: call.endReason,
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    durationSec: call.durationSec,
    metadata: call.metadata,
    ...(call.labels ? { labels: call.labels } : {}),
    ...(call.transcriptionError ? { transcriptionError: call.transcriptionError } : {}),
    ...(call.transfer ? { transfer: call.transfer } : {}),
    ...(call.callerName ? { callerName: call.callerName } : {}),
    ...(call.analysis ? { analysis: call.analysis } : {}),
    ...(call.analysisError ? { analysisError: call.analysisError } : {}),
    ...(call.recording ? { recording: call.recording } : {}),
    transcript: call.labels ? transcript.map((entry) => labelled(entry, call.labels!)) : transcript,
  };
}
