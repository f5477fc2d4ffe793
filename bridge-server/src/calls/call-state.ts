import type { AnsweredBy, CallStatus, EndReason } from '../shared/wire-types';
import { isTerminal, type CallRecord } from '../model/call-record';

/**
 * The call state machine: queued -> ringing -> in-progress -> one terminal status. Pure functions
 * over the record, so status callbacks that arrive late, twice or out of order are reconciled
 * the same way on every bridge instance: a status only ever moves forward, and a terminal status
 * is final.
 */

const RANK: Record<CallStatus, number> = {
  queued: 0,
  ringing: 1,
  'in-progress': 2,
  completed: 3,
  busy: 3,
  'no-answer': 3,
  failed: 3,
  canceled: 3,
};

/** Twilio's CallStatus values mapped onto ours (`initiated` is still queued to the caller). */
export function statusFromTwilio(twilioStatus: string): CallStatus | undefined {
  switch (twilioStatus) {
    case 'queued':
    case 'initiated':
      return 'queued';
    case 'ringing':
      return 'ringing';
    case 'in-progress':
    case 'answered':
      return 'in-progress';
    case 'completed':
    case 'busy':
    case 'no-answer':
    case 'failed':
    case 'canceled':
      return twilioStatus;
    default:
      return undefined;
  }
}

export function answeredByFromTwilio(value: string | undefined): AnsweredBy | null {
  if (!value) return null;
  if (value === 'human') return 'human';
  if (value.startsWith('machine')) return 'machine';
  if (value === 'fax') return 'fax';
  return 'unknown';
}

export interface StatusObservation {
  status: CallStatus;
  /** When it happened (ISO-8601). */
  at: string;
  twilioCallSid?: string;
  /** Twilio's CallDuration, for terminal statuses. */
  durationSec?: number;
}

function endReasonFor(call: CallRecord, status: CallStatus, durationSec: number | null): EndReason {
  switch (status) {
    case 'busy':
    case 'no-answer':
    case 'failed':
    case 'canceled':
      return status;
    default:
      if (call.requestedEndReason) return call.requestedEndReason;
      // Twilio's own timeLimit ended it: the bridge did not ask, but the limit was reached.
      if (durationSec !== null && durationSec >= call.maxDurationSec) return 'max-duration';
      return 'callee-hangup';
  }
}

/** Applies one observed status. Returns the new record, or undefined when nothing changes. */
/** How long `call.ended` waits for a recorded call's recording before it goes out without it. */
export const RECORDING_WAIT_MS = 15_000;

export function applyStatus(call: CallRecord, observation: StatusObservation): CallRecord | undefined {
  const { status, at } = observation;
  const sid = call.twilioCallSid ?? observation.twilioCallSid ?? null;
  if (isTerminal(call.status) || RANK[status] <= RANK[call.status]) {
    return sid !== call.twilioCallSid ? { ...call, twilioCallSid: sid } : undefined;
  }
  const next: CallRecord = { ...call, status, twilioCallSid: sid };
  if (status === 'in-progress') next.answeredAt = at;
  if (isTerminal(status)) {
    next.endedAt = at;
    next.durationSec =
      observation.durationSec ??
      (call.answeredAt ? Math.max(0, Math.round((Date.parse(at) - Date.parse(call.answeredAt)) / 1000)) : 0);
    next.endReason = endReasonFor(call, status, next.answeredAt ? next.durationSec : null);
    // Twilio records only what was answered, and posts the recording shortly after the end.
    if (call.record && next.answeredAt) next.recordingDueBy = Date.parse(at) + RECORDING_WAIT_MS;
  }
  return next;
}

/** Records why the bridge is ending a call; the first reason wins. */
export function requestEnd(call: CallRecord, reason: EndReason): CallRecord | undefined {
  if (isTerminal(call.status) || call.requestedEndReason) return undefined;
  return { ...call, requestedEndReason: reason };
}

export function applyAnsweredBy(call: CallRecord, answeredBy: AnsweredBy): CallRecord | undefined {
  return call.answeredBy === answeredBy ? undefined : { ...call, answeredBy };
}

/** Twilio's DialCallStatus for a party who was not reached, as an end reason. */
const PARTY_OUTCOMES: Record<string, EndReason | undefined> = {
  'no-answer': 'party-no-answer',
  busy: 'party-busy',
  failed: 'party-failed',
};

/** Why a media stream may not carry a call, or the call it may carry. */

/** The end reason for a dial to the party that ended with Twilio's `DialCallStatus`, if it was not reached. */
export function partyEndReason(dialStatus: string): EndReason | undefined {
  return PARTY_OUTCOMES[dialStatus];
}
