import { randomBytes } from 'node:crypto';
import type { CallRecord } from '../model/call-record';
import { LIMITS } from './call-request';

/** What differs between new calls; everything else starts as a call that has not begun. */
export type NewCallFields = Pick<CallRecord, 'id' | 'mode' | 'to' | 'from'> & Partial<CallRecord>;

/** A call record as stored before anything has happened to it, with a fresh stream token. */
export function newCallRecord(fields: NewCallFields): CallRecord {
  return {
    twilioCallSid: null,
    direction: 'outbound',
    connectTo: null,
    status: 'queued',
    answeredBy: null,
    endReason: null,
    createdAt: new Date().toISOString(),
    answeredAt: null,
    endedAt: null,
    durationSec: null,
    metadata: {},
    agent: null,
    language: fields.agent?.language ?? 'en-US',
    maxDurationSec: LIMITS.maxDurationSec.default,
    ringTimeoutSec: LIMITS.ringTimeoutSec.default,
    machineDetection: 'off',
    record: false,
    requestedEndReason: null,
    streamToken: randomBytes(16).toString('hex'),
    media: 'none',
    endedEventSent: false,
    version: 1,
    ...fields,
  };
}
