import { Pool } from 'pg';
import { ArchiveWriter } from '../../../bridge-server/src/history/archive-writer';
import { CallArchive } from '../../../bridge-server/src/history/call-archive';
import { migrateHistory } from '../../../bridge-server/src/history/migrations';
import { parseCallListQuery } from '../../../bridge-server/src/calls/call-list-query';
import { silentLogger } from '../../../bridge-server/src/shared/logger';
import { createTestDatabase, type TestDatabase } from '../../support/test-postgres';
import { callEvent, callResource, entry } from './history-fixtures';

describe('searching the archive (real PostgreSQL full-text search)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let archive: CallArchive;

  const said = [
    'I need to reschedule my dentist appointment to Friday',
    'Please cancel the subscription, the invoice was wrong',
    'Can you deliver the pizza to the back door',
    'The dentist said my tooth is fine',
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateHistory(db.url, silentLogger());
    pool = new Pool({ connectionString: db.url });
    archive = new CallArchive(pool);
    const writer = new ArchiveWriter(pool);
    await writer.write(
      said.map((text, i) => {
        const call = callResource({
          id: `call_search${String(i).padStart(17, '0')}`,
          to: `+1555000${1000 + i}`,
          mode: i % 2 === 0 ? 'agent' : 'transcribe',
          status: i === 3 ? 'no-answer' : 'completed',
          createdAt: `2026-11-${String(10 + i).padStart(2, '0')}T12:00:00.000Z`,
          transcript: [entry(1, 'callee', text)],
        });
        return { streamId: `${5000 + i}-0`, event: callEvent('call.ended', call, 'ended') };
      }),
    );
  });

  afterAll(async () => {
    await archive.close();
    await db.drop();
  });

  const ids = async (query: Record<string, string>) =>
    (await archive.search(parseCallListQuery(query))).calls.map((call) => Number(call.id.slice(-1)));

  it('finds calls by a word said in them, newest first, with their transcripts', async () => {
    expect(await ids({ q: 'dentist' })).toEqual([3, 0]);
    const page = await archive.search(parseCallListQuery({ q: 'pizza' }));
    expect(page.calls[0].transcript.map((e) => e.text)).toEqual([said[2]]);
  });

  it('takes web-search syntax: phrases, or, and excluded words', async () => {
    expect(await ids({ q: '"the invoice was wrong"' })).toEqual([1]);
    expect(await ids({ q: 'pizza or invoice' })).toEqual([2, 1]);
    expect(await ids({ q: 'dentist -tooth' })).toEqual([0]);
  });

  it('filters by number digits, status, mode and creation dates', async () => {
    expect(await ids({ number: '555 0001002' })).toEqual([2]);
    expect(await ids({ q: '+1 555 000 1001' })).toEqual([1]);
    expect(await ids({ status: 'no-answer' })).toEqual([3]);
    expect(await ids({ status: 'ended', mode: 'transcribe' })).toEqual([3, 1]);
    expect(await ids({ from: '2026-11-11', to: '2026-11-12' })).toEqual([2, 1]);
    expect(await ids({ from: '2026-11-12T12:00:00Z' })).toEqual([3, 2]);
  });

  it('pages with a cursor and no call twice', async () => {
    const first = await archive.search(parseCallListQuery({ limit: '3' }));
    expect(first.calls).toHaveLength(3);
    const second = await archive.search(parseCallListQuery({ limit: '3', cursor: first.nextCursor! }));
    expect(second.calls.map((c) => c.id)).toEqual([`call_search${'0'.repeat(17)}`]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('finds an archived call by id, and forgets it on request', async () => {
    const id = `call_search${String(2).padStart(17, '0')}`;
    expect((await archive.getCall(id))?.transcript[0].text).toBe(said[2]);
    expect(await archive.forget(id)).toBe(true);
    expect(await archive.getCall(id)).toBeUndefined();
    expect(await archive.forget(id)).toBe(false);
  });
});
