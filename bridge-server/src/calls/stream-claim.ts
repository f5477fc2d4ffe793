import { timingSafeEqual } from 'node:crypto';
import { isTerminal, type CallRecord } from '../model/call-record';

export type StreamRefusal =
  'unknown call' | 'wrong stream token' | 'call has ended' | 'call already has a media stream';

/** Why a media stream may not carry a call, or the call it may carry. */
export type StreamClaim = { call: CallRecord } | { refused: StreamRefusal };

function tokensMatch(expected: string, given: string | undefined): boolean {
  if (!given || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/**
 * A media stream's `start` asks to carry `call`: only with the call's own stream token, while
 * the call is live, and only the first stream does. The claimed record is the call streaming.
 */
export function claimStream(call: CallRecord, streamToken: string | undefined): StreamClaim {
  if (!tokensMatch(call.streamToken, streamToken)) return { refused: 'wrong stream token' };
  if (isTerminal(call.status)) return { refused: 'call has ended' };
  if (call.media !== 'none') return { refused: 'call already has a media stream' };
  return { call: { ...call, media: 'streaming', streamStartedAt: call.streamStartedAt ?? Date.now() } };
}
