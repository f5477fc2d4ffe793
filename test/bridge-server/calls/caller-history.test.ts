import { callerHistory, HISTORY_SCAN_CALLS } from '../../../bridge-server/src/calls/caller-history';
import { newCallRecord } from '../../../bridge-server/src/calls/new-call-record';
import type { CallRecord } from '../../../bridge-server/src/model/call-record';
import { MemoryCallStore } from '../../../bridge-server/src/store/memory-call-store';

const CALLER = '+15550107001';
const OUR_NUMBER = '+15005550006';

function ended(id: number, fields: Partial<CallRecord>): CallRecord {
  return newCallRecord({
    id: `call_${id.toString(16).padStart(24, '0')}`,
    mode: 'agent',
    to: OUR_NUMBER,
    from: '+15550000000',
    status: 'completed',
    endReason: 'callee-hangup',
    createdAt: new Date(Date.UTC(2026, 0, 1) + id * 1000).toISOString(),
    ...fields,
  });
}

/** What the Incoming Call workflow is told about a caller, from the store alone. */
describe('caller history', () => {
  it("counts the number's ended calls in both directions, newest first, with what the caller said last time", async () => {
    const store = new MemoryCallStore();
    await store.createCall(ended(1, { direction: 'inbound', from: CALLER, endReason: 'agent-hangup' }));
    await store.createCall(ended(2, { to: CALLER, from: OUR_NUMBER }));
    await store.createCall(ended(3, { direction: 'inbound', from: '+15550109999' }));
    const last = ended(4, { direction: 'inbound', from: CALLER, endReason: 'agent-hangup' });
    await store.createCall(last);
    await store.appendTranscriptEntry(last.id, 'a', { speaker: 'agent', text: 'Hello!', startMs: 0, endMs: 500 });
    await store.appendTranscriptEntry(last.id, 'b', {
      speaker: 'callee',
      text: 'I need a refill.',
      startMs: 600,
      endMs: 900,
    });
    const ringing = ended(5, { direction: 'inbound', from: CALLER, status: 'ringing', endReason: null });
    await store.createCall(ringing);
    expect(await callerHistory(store, CALLER, ringing.id)).toEqual({
      calls: 3,
      lastCallAt: last.createdAt,
      lastEndReason: 'agent-hangup',
      lastSummary: 'I need a refill.',
    });
    expect(await callerHistory(store, '+15550108888', ringing.id)).toEqual({
      calls: 0,
      lastCallAt: null,
      lastEndReason: null,
      lastSummary: null,
    });
  });

  it("reads no further back than the store's most recent calls, however many there are", async () => {
    const store = new MemoryCallStore();
    await store.createCall(ended(1, { direction: 'inbound', from: CALLER }));
    for (let i = 0; i < HISTORY_SCAN_CALLS; i++) await store.createCall(ended(10 + i, {}));
    expect((await callerHistory(store, CALLER, 'call_none')).calls).toBe(0);
    await store.createCall(ended(10 + HISTORY_SCAN_CALLS, { direction: 'inbound', from: CALLER }));
    expect((await callerHistory(store, CALLER, 'call_none')).calls).toBe(1);
  });
});
