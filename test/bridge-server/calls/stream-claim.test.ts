import { claimStream } from '../../../bridge-server/src/calls/stream-claim';
import type { CallRecord } from '../../../bridge-server/src/model/call-record';

const call = (overrides: Partial<CallRecord> = {}) =>
  ({ id: 'call_1', status: 'in-progress', media: 'none', streamToken: 'a'.repeat(32), ...overrides }) as CallRecord;

describe('claimStream: which media stream may carry a call', () => {
  it('gives a live call without a stream to the stream that has its token, marking it streaming', () => {
    expect(claimStream(call(), 'a'.repeat(32))).toEqual({ call: expect.objectContaining({ media: 'streaming' }) });
  });

  it('refuses a missing, short or wrong token', () => {
    for (const token of [undefined, '', 'a', 'b'.repeat(32)])
      expect(claimStream(call(), token)).toEqual({ refused: 'wrong stream token' });
  });

  it('refuses an ended call, and a call that already has its stream', () => {
    expect(claimStream(call({ status: 'completed' }), 'a'.repeat(32))).toEqual({ refused: 'call has ended' });
    expect(claimStream(call({ media: 'streaming' }), 'a'.repeat(32))).toEqual({
      refused: 'call already has a media stream',
    });
  });
});
