import {
  DEFAULT_CALLEE_LINES,
  DEFAULT_PARTY_LINES,
  humanScript,
} from '../../../bridge-server/src/sandbox/callee-script';
import type { CallResource } from '../../../bridge-server/src/shared/wire-types';
import { readEvents, startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

describe('transcribe mode: both tracks through the real @google-cloud/speech client and the gRPC simulator', () => {
  let t: TestBridge;
  let next = 100;

  beforeAll(async () => {
    t = await startTestBridge();
  });

  afterAll(async () => {
    await t.close();
  });

  async function transcribedCall(script = humanScript()): Promise<CallResource> {
    const to = `+1555222${next++}`;
    t.sandbox.carrier!.scripts.set(to, script);
    const placed = await t.placeCall({
      to,
      mode: 'transcribe',
      connectTo: '+15559870000',
      transcribe: { language: 'en-GB' },
    });
    return t.waitForEnd(placed.id, 40_000);
  }

  it('transcribes both sides, attributes them (inbound = callee, outbound = party) and keeps spoken order', async () => {
    const call = await transcribedCall();
    expect(call).toMatchObject({ status: 'completed', mode: 'transcribe', connectTo: '+15559870000' });
    expect(call.transcript.map((e) => [e.speaker, e.text])).toEqual([
      ['party', DEFAULT_PARTY_LINES[0]],
      ['callee', DEFAULT_CALLEE_LINES[0]],
      ['party', DEFAULT_PARTY_LINES[1]],
      ['callee', DEFAULT_CALLEE_LINES[1]],
    ]);
    const starts = call.transcript.map((e) => e.startMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    for (const entry of call.transcript) expect(entry.endMs).toBeGreaterThan(entry.startMs);
    const topics = t.sandbox.speech!.streamsOpened.filter((topic) => topic.includes(call.id));
    expect(topics.sort()).toEqual([`Phone call ${call.id}, callee side`, `Phone call ${call.id}, party side`]);
    const events = (await readEvents(t.prefix)).filter((e) => e.call.id === call.id && e.type === 'call.transcript');
    expect(events.map((e) => (e.utterance as { text: string }).text).sort()).toEqual(
      call.transcript.map((e) => e.text).sort(),
    );
  });

  it('restarts a stream that ends with OUT_OF_RANGE and loses or repeats no words', async () => {
    // Longer than any one utterance (Google's real limit is 305 s), so each restart lands mid-conversation.
    t.sandbox.speech!.outOfRangeAfterMs = 6000;
    try {
      const call = await transcribedCall();
      const topics = t.sandbox.speech!.streamsOpened.filter((topic) => topic.includes(call.id));
      expect(topics.length).toBeGreaterThan(2);
      expect(call.transcript.map((e) => e.text)).toEqual([
        DEFAULT_PARTY_LINES[0],
        DEFAULT_CALLEE_LINES[0],
        DEFAULT_PARTY_LINES[1],
        DEFAULT_CALLEE_LINES[1],
      ]);
    } finally {
      t.sandbox.speech!.outOfRangeAfterMs = undefined;
    }
  });

  it('keeps the last words when the call ends mid-sentence', async () => {
    const long = 'We should really go over the whole contract line by line before anyone signs anything at all';
    t.sandbox.speech!.lines = { callee: [long], party: ['Hello there, thanks for joining.'] };
    try {
      const call = await transcribedCall(
        humanScript({
          lines: [{ text: long }],
          partyLines: ['Hello there, thanks for joining.'],
          hangUpAfterMs: 5500,
          hangUpWhenDone: false,
        }),
      );
      const last = call.transcript[call.transcript.length - 1];
      expect(last.speaker).toBe('callee');
      expect(long.startsWith(last.text)).toBe(true);
      expect(last.text.length).toBeLessThan(long.length);
      expect(last.text.split(' ').length).toBeGreaterThan(2);
    } finally {
      t.sandbox.speech!.lines = { callee: DEFAULT_CALLEE_LINES, party: DEFAULT_PARTY_LINES };
    }
  });
});
