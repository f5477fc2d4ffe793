import { isTerminal } from '../model/call-record';
import type { CallStore } from '../store/call-store';
import type { CallerHistory } from '../shared/wire-types';

/** How many of the number's most recent calls are looked at. */
const LOOK_BACK_CALLS = 50;
const SUMMARY_CHARS = 300;

/**
 * What earlier calls with `number` say about the caller: inbound calls from it and outbound calls
 * to it that have ended, newest first. `excludeId` is the call ringing now.
 */
export async function callerHistory(store: CallStore, number: string, excludeId: string): Promise<CallerHistory> {
  const page = await store.listCalls({ q: number, status: 'ended', limit: LOOK_BACK_CALLS });
  const earlier = page.calls.filter(
    (call) =>
      call.id !== excludeId &&
      isTerminal(call.status) &&
      ((call.direction === 'inbound' && call.from === number) || (call.direction !== 'inbound' && call.to === number)),
  );
  const last = earlier[0];
  if (!last) return { calls: 0, lastCallAt: null, lastEndReason: null, lastSummary: null };
  const transcript = await store.getTranscript(last.id);
  const callerSpeaker = 'callee';
  const said = transcript
    .filter((entry) => entry.speaker === callerSpeaker && entry.kind !== 'tool')
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
