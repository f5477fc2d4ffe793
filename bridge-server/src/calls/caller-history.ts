import { isTerminal } from '../model/call-record';
import type { CallStore } from '../store/call-store';
import type { CallerHistory } from '../shared/wire-types';

/** How many of the number's most recent calls are counted. */
const LOOK_BACK_CALLS = 50;
/**
 * How many of all the most recent calls are read to find them: the lookup runs inside the
 * route's deadline, so it is bounded however large the store grows.
 */
export const HISTORY_SCAN_CALLS = 2000;
const SUMMARY_CHARS = 300;

/**
 * What earlier calls with `number` say about the caller: inbound calls from it and outbound calls
 * to it that have ended, among the store's `HISTORY_SCAN_CALLS` most recent calls, newest first.
 * `excludeId` is the call ringing now.
 */
export async function callerHistory(store: CallStore, number: string, excludeId: string): Promise<CallerHistory> {
  const page = await store.listCalls({
    q: number,
    status: 'ended',
    limit: LOOK_BACK_CALLS,
    scanLimit: HISTORY_SCAN_CALLS,
  });
  const earlier = page.calls.filter(
    (call) =>
      call.id !== excludeId &&
      isTerminal(call.status) &&
      ((call.direction === 'inbound' && call.from === number) || (call.direction !== 'inbound' && call.to === number)),
  );
  const last = earlier[0];
  if (!last) return { calls: 0, lastCallAt: null, lastEndReason: null, lastSummary: null };
  const transcript = await store.getTranscript(last.id);
  // The person on the line is the callee in a transcript, whichever way the call went.
  const said = transcript
    .filter((entry) => entry.speaker === 'callee' && entry.kind !== 'tool')
    .map((entry) => entry.text.trim())
    .join(' ');
  return {
    calls: earlier.length,
    lastCallAt: last.createdAt,
    lastEndReason: last.endReason,
    lastSummary: said ? truncate(said, SUMMARY_CHARS) : null,
  };
}

function truncate(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1).trimEnd()}…`;
}
