import type { CallResource, TranscriptEntry } from '../../../bridge-server/src/shared/wire-types';

/** A call as events carry it, with `overrides` on top. */
export function callResource(overrides: Partial<CallResource> = {}): CallResource {
  return {
    id: 'call_0000000000000000000001',
    twilioCallSid: 'CA00000000000000000000000000000001',
    mode: 'agent',
    direction: 'outbound',
    to: '+15551230001',
    from: '+15557650000',
    connectTo: null,
    status: 'in-progress',
    answeredBy: 'human',
    endReason: null,
    createdAt: '2026-12-01T10:00:00.000Z',
    answeredAt: '2026-12-01T10:00:05.000Z',
    endedAt: null,
    durationSec: null,
    metadata: { lead: 42 },
    transcript: [],
    ...overrides,
  };
}

export function entry(seq: number, speaker: TranscriptEntry['speaker'], text: string): TranscriptEntry {
  return { seq, speaker, text, startMs: seq * 1000, endMs: seq * 1000 + 800 };
}

/** The event for `happening`, as the bridge makes it (the same happening, the same id). */
export { callEvent } from '../../../bridge-server/src/delivery/event-publisher';
