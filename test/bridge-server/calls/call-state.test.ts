import type { CallRecord } from '../../../bridge-server/src/model/call-record';
import {
  answeredByFromTwilio,
  applyStatus,
  requestEnd,
  statusFromTwilio,
} from '../../../bridge-server/src/calls/call-state';

function call(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id: 'call_1',
    twilioCallSid: null,
    mode: 'agent',
    to: '+15551230000',
    from: '+15557650000',
    connectTo: null,
    status: 'queued',
    answeredBy: null,
    endReason: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    answeredAt: null,
    endedAt: null,
    durationSec: null,
    metadata: {},
    agent: { prompt: 'p' },
    language: 'en-US',
    maxDurationSec: 600,
    ringTimeoutSec: 30,
    machineDetection: 'off',
    record: false,
    requestedEndReason: null,
    streamToken: 'token',
    media: 'none',
    endedEventSent: false,
    version: 1,
    ...overrides,
  };
}

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe('call state machine', () => {
  it('moves forward through ringing and answer, recording when it was answered', () => {
    const ringing = applyStatus(call(), { status: 'ringing', at: at(1), twilioCallSid: 'CA1' })!;
    expect(ringing).toMatchObject({ status: 'ringing', twilioCallSid: 'CA1' });
    const answered = applyStatus(ringing, { status: 'in-progress', at: at(3) })!;
    expect(answered).toMatchObject({ status: 'in-progress', answeredAt: at(3) });
    const ended = applyStatus(answered, { status: 'completed', at: at(13), durationSec: 10 })!;
    expect(ended).toMatchObject({ status: 'completed', endedAt: at(13), durationSec: 10, endReason: 'callee-hangup' });
  });

  it('ignores a status callback that arrives twice', () => {
    const ringing = applyStatus(call(), { status: 'ringing', at: at(1) })!;
    expect(applyStatus(ringing, { status: 'ringing', at: at(2) })).toBeUndefined();
  });

  it('ignores a late ringing that arrives after the answer', () => {
    const answered = applyStatus(call(), { status: 'in-progress', at: at(3) })!;
    expect(applyStatus(answered, { status: 'ringing', at: at(1) })).toBeUndefined();
  });

  it('never leaves a terminal status, whatever arrives afterwards', () => {
    const busy = applyStatus(call({ status: 'ringing' }), { status: 'busy', at: at(2) })!;
    expect(busy).toMatchObject({ status: 'busy', endReason: 'busy', durationSec: 0 });
    expect(applyStatus(busy, { status: 'in-progress', at: at(3) })).toBeUndefined();
    expect(applyStatus(busy, { status: 'completed', at: at(4) })).toBeUndefined();
  });

  it('takes the end reason the bridge asked for, first reason winning', () => {
    const live = call({ status: 'in-progress', answeredAt: at(0) });
    const asked = requestEnd(live, 'agent-hangup')!;
    expect(requestEnd(asked, 'api-hangup')).toBeUndefined();
    expect(applyStatus(asked, { status: 'completed', at: at(5) })).toMatchObject({
      endReason: 'agent-hangup',
      durationSec: 5,
    });
  });

  it('infers max-duration when Twilio ended the call at the time limit', () => {
    const live = call({ status: 'in-progress', answeredAt: at(0), maxDurationSec: 60 });
    expect(applyStatus(live, { status: 'completed', at: at(60), durationSec: 60 })).toMatchObject({
      endReason: 'max-duration',
    });
  });

  it('maps Twilio statuses and AnsweredBy values', () => {
    expect(statusFromTwilio('initiated')).toBe('queued');
    expect(statusFromTwilio('answered')).toBe('in-progress');
    expect(statusFromTwilio('no-answer')).toBe('no-answer');
    expect(statusFromTwilio('weird')).toBeUndefined();
    expect(answeredByFromTwilio('machine_end_beep')).toBe('machine');
    expect(answeredByFromTwilio('human')).toBe('human');
    expect(answeredByFromTwilio('fax')).toBe('fax');
    expect(answeredByFromTwilio('unknown')).toBe('unknown');
    expect(answeredByFromTwilio(undefined)).toBeNull();
  });
});
