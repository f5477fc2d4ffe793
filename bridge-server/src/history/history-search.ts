import type { Pool } from 'pg';
import { TERMINAL_STATUSES } from '../model/call-record';
import { decodeCursor, digits, encodeCursor, isNumberQuery, type CallQuery } from '../store/call-query';
import type { CallResource, TranscriptEntry } from '../shared/wire-types';

const ENDED = [...TERMINAL_STATUSES];

/** A page of archived calls, newest first, with their transcripts. */
export interface ArchivePage {
  calls: CallResource[];
  nextCursor?: string;
}

/** The WHERE clause and parameters for a query; every value is a bound parameter. */
export function whereClause(query: CallQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  if (query.status === 'active') where.push(`c.status <> ALL(${bind(ENDED)})`);
  else if (query.status === 'ended') where.push(`c.status = ANY(${bind(ENDED)})`);
  else if (query.status) where.push(`c.status = ${bind(query.status)}`);
  if (query.mode) where.push(`c.mode = ${bind(query.mode)}`);
  if (query.direction) where.push(`c.direction = ${bind(query.direction)}`);
  if (query.since !== undefined) where.push(`c.created_at >= ${bind(new Date(query.since).toISOString())}`);
  if (query.until !== undefined) where.push(`c.created_at < ${bind(new Date(query.until).toISOString())}`);
  const wantedNumbers = [query.number, query.q && isNumberQuery(query.q) ? query.q : undefined];
  for (const number of wantedNumbers)
    if (number !== undefined) where.push(`strpos(c.number_digits, ${bind(digits(number))}) > 0`);
  if (query.q !== undefined && !isNumberQuery(query.q))
    where.push(
      `EXISTS (SELECT 1 FROM vb_transcript_entries t WHERE t.call_id = c.id AND t.words @@ websearch_to_tsquery('simple', ${bind(query.q)}))`,
    );
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  if (cursor) where.push(`(c.created_at, c.id) < (${bind(new Date(cursor.at).toISOString())}, ${bind(cursor.id)})`);
  return { sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params };
}

/**
 * `GET /v1/calls` over the archive: filters and PostgreSQL full-text search (the `simple`
 * configuration: whole words, any language; `websearch_to_tsquery` syntax, so `"exact phrase"`,
 * `or` and `-word` work), newest first, with a keyset cursor.
 */
export async function searchArchive(pool: Pool, query: CallQuery): Promise<ArchivePage> {
  const { sql, params } = whereClause(query);
  const rows = await pool.query<{ resource: Omit<CallResource, 'transcript'> }>(
    `SELECT c.resource FROM vb_calls c ${sql} ORDER BY c.created_at DESC, c.id DESC LIMIT ${query.limit + 1}`,
    params,
  );
  const page = rows.rows.slice(0, query.limit).map((row) => row.resource);
  const transcripts = await transcriptsOf(
    pool,
    page.map((call) => call.id),
  );
  const calls = page.map((call) => ({ ...call, transcript: transcripts.get(call.id) ?? [] }));
  return rows.rows.length > query.limit ? { calls, nextCursor: encodeCursor(calls[calls.length - 1]) } : { calls };
}

export async function transcriptsOf(pool: Pool, callIds: string[]): Promise<Map<string, TranscriptEntry[]>> {
  const byCall = new Map<string, TranscriptEntry[]>();
  if (callIds.length === 0) return byCall;
  const rows = await pool.query<{ call_id: string; entry: TranscriptEntry }>(
    'SELECT call_id, entry FROM vb_transcript_entries WHERE call_id = ANY($1) ORDER BY call_id, seq',
    [callIds],
  );
  for (const row of rows.rows) {
    const entries = byCall.get(row.call_id) ?? [];
    entries.push(row.entry);
    byCall.set(row.call_id, entries);
  }
  return byCall;
}
