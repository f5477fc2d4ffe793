import type { Pool } from 'pg';
import { inTransaction } from './transaction';
import { digits } from '../store/call-query';
import type { CallEvent, CallResource, TranscriptEntry } from '../shared/wire-types';

/** One call event as read from the events stream, with its entry id there (`<ms>-<seq>`). */
export interface StreamedEvent {
  streamId: string;
  event: CallEvent;
}

/** What one write did: events new to the archive, and those it already held (a redelivery). */
export interface WriteResult {
  archived: number;
  duplicates: number;
}

function position(streamId: string): [string, string] {
  const [ms, seq = '0'] = streamId.split('-');
  return [ms, seq];
}

/** Stream ids in order: by milliseconds, then sequence (as numbers, not text). */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = position(a).map(BigInt);
  const [bm, bs] = position(b).map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

function callRow(call: CallResource, streamId: string) {
  const { transcript: _transcript, ...resource } = call;
  const [streamMs, streamSeq] = position(streamId);
  return {
    id: call.id,
    twilio_call_sid: call.twilioCallSid,
    mode: call.mode,
    direction: call.direction,
    to_number: call.to,
    from_number: call.from,
    number_digits: [call.to, call.from, call.connectTo].map(digits).join(' '),
    status: call.status,
    end_reason: call.endReason,
    created_at: call.createdAt,
    ended_at: call.endedAt,
    duration_sec: call.durationSec,
    resource,
    stream_ms: streamMs,
    stream_seq: streamSeq,
  };
}

function entryRow(callId: string, entry: TranscriptEntry) {
  return {
    call_id: callId,
    seq: entry.seq,
    speaker: entry.speaker,
    text: entry.text,
    start_ms: Math.round(entry.startMs),
    end_ms: Math.round(entry.endMs),
    entry,
  };
}

// Rows arrive as one JSON array per table: one statement per table, whatever the batch size.
const UPSERT_CALLS = `
INSERT INTO vb_calls AS c (id, twilio_call_sid, mode, direction, to_number, from_number, number_digits, status,
  end_reason, created_at, ended_at, duration_sec, resource, stream_ms, stream_seq)
SELECT r.* FROM jsonb_to_recordset($1::jsonb) AS r(id text, twilio_call_sid text, mode text, direction text,
  to_number text, from_number text, number_digits text, status text, end_reason text, created_at timestamptz,
  ended_at timestamptz, duration_sec integer, resource jsonb, stream_ms bigint, stream_seq bigint)
WHERE NOT EXISTS (SELECT 1 FROM vb_deleted_calls d WHERE d.id = r.id)
ON CONFLICT (id) DO UPDATE SET twilio_call_sid = EXCLUDED.twilio_call_sid, status = EXCLUDED.status,
  end_reason = EXCLUDED.end_reason, ended_at = EXCLUDED.ended_at, duration_sec = EXCLUDED.duration_sec,
  number_digits = EXCLUDED.number_digits, resource = EXCLUDED.resource, stream_ms = EXCLUDED.stream_ms,
  stream_seq = EXCLUDED.stream_seq, archived_at = now()
WHERE (c.stream_ms, c.stream_seq) < (EXCLUDED.stream_ms, EXCLUDED.stream_seq)`;

const UPSERT_ENTRIES = `
INSERT INTO vb_transcript_entries (call_id, seq, speaker, text, start_ms, end_ms, entry)
SELECT r.* FROM jsonb_to_recordset($1::jsonb) AS r(call_id text, seq integer, speaker text, text text,
  start_ms integer, end_ms integer, entry jsonb)
WHERE EXISTS (SELECT 1 FROM vb_calls c WHERE c.id = r.call_id)
ON CONFLICT (call_id, seq) DO UPDATE SET speaker = EXCLUDED.speaker, text = EXCLUDED.text,
  start_ms = EXCLUDED.start_ms, end_ms = EXCLUDED.end_ms, entry = EXCLUDED.entry
WHERE vb_transcript_entries.entry IS DISTINCT FROM EXCLUDED.entry`;

const INSERT_EVENTS = `
INSERT INTO vb_call_events (event_id, call_id, type, created_at, stream_id, body)
SELECT r.* FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, call_id text, type text,
  created_at timestamptz, stream_id text, body jsonb)
WHERE EXISTS (SELECT 1 FROM vb_calls c WHERE c.id = r.call_id)
ON CONFLICT (event_id) DO NOTHING`;

/**
 * Writes call events into the archive, a batch in one transaction: each call's newest state,
 * its transcript entries, and the events themselves. Every row is an upsert keyed by what it is
 * (call id; call id and entry seq; event id), and a call is never overwritten by an event older
 * than the one it was written from, so writing a batch twice, or out of order, changes nothing.
 */
export class ArchiveWriter {
  constructor(private readonly pool: Pool) {}

  async write(batch: StreamedEvent[]): Promise<WriteResult> {
    if (batch.length === 0) return { archived: 0, duplicates: 0 };
    const ordered = [...batch].sort((a, b) => compareStreamIds(a.streamId, b.streamId));
    const calls = new Map<string, ReturnType<typeof callRow>>();
    const entries = new Map<string, ReturnType<typeof entryRow>>();
    const events = new Map<string, unknown>();
    for (const { streamId, event } of ordered) {
      calls.set(event.call.id, callRow(event.call, streamId));
      for (const entry of [...event.call.transcript, ...(event.utterance ? [event.utterance] : [])])
        entries.set(`${event.call.id}/${entry.seq}`, entryRow(event.call.id, entry));
      events.set(event.id, {
        event_id: event.id,
        call_id: event.call.id,
        type: event.type,
        created_at: event.createdAt,
        stream_id: streamId,
        body: event,
      });
    }
    const inserted = await inTransaction(this.pool, async (client) => {
      await client.query(UPSERT_CALLS, [JSON.stringify([...calls.values()])]);
      if (entries.size > 0) await client.query(UPSERT_ENTRIES, [JSON.stringify([...entries.values()])]);
      return (await client.query(INSERT_EVENTS, [JSON.stringify([...events.values()])])).rowCount ?? 0;
    });
    return { archived: inserted, duplicates: batch.length - inserted };
  }
}
