import * as grpc from '@grpc/grpc-js';
import { humanScript } from '../../../bridge-server/src/sandbox/callee-script';
import type { CallResource } from '../../../bridge-server/src/shared/wire-types';
import { startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

/** Speech-to-Text as the service fails: models a language lacks, refused credentials, outages. */
describe('transcribe mode when Speech-to-Text refuses or fails', () => {
  let t: TestBridge;
  let next = 500;

  beforeAll(async () => {
    t = await startTestBridge();
  });

  afterAll(async () => {
    await t.close();
  });

  async function transcribedCall(language = 'en-GB'): Promise<CallResource> {
    const to = `+1555111${next++}`;
    t.sandbox.carrier!.scripts.set(to, humanScript());
    const placed = await t.placeCall({ to, mode: 'transcribe', connectTo: '+15559870000', transcribe: { language } });
    return t.waitForEnd(placed.id, 40_000);
  }

  const streamsFor = (call: CallResource) => t.sandbox.speech!.streamsOpened.filter((topic) => topic.includes(call.id));

  it('uses a model the language has: a language without the telephony model still gets a transcript', async () => {
    const call = await transcribedCall('sw-KE');
    expect(call.transcriptionError).toBeUndefined();
    expect(call.transcript.length).toBeGreaterThan(0);
    expect(streamsFor(call)).toHaveLength(2);
  });

  it('stops a track on a permanent error (PERMISSION_DENIED) instead of reopening it, says why on the call, and the call goes on', async () => {
    t.sandbox.speech!.failure = {
      code: grpc.status.PERMISSION_DENIED,
      details: 'Cloud Speech-to-Text API has not been used in project 1 before or it is disabled.',
      times: Infinity,
    };
    try {
      const call = await transcribedCall();
      expect(call.status).toBe('completed');
      expect(call.transcriptionError).toMatch(/^(callee|party) side: PERMISSION_DENIED: Cloud Speech-to-Text API/);
      expect(call.transcript).toEqual([]);
      // One attempt per track for the whole call: no stream every 20 ms.
      expect(streamsFor(call)).toHaveLength(2);
    } finally {
      t.sandbox.speech!.failure = undefined;
    }
  });

  it('backs off and recovers after transient errors (UNAVAILABLE), losing none of the words', async () => {
    t.sandbox.speech!.failure = {
      code: grpc.status.UNAVAILABLE,
      details: 'The service is currently unavailable.',
      times: 4,
    };
    try {
      const call = await transcribedCall();
      expect(call.transcriptionError).toBeUndefined();
      expect(call.transcript.map((e) => e.speaker).sort()).toEqual(['callee', 'callee', 'party', 'party']);
      const opened = streamsFor(call).length;
      expect(opened).toBeGreaterThanOrEqual(6);
      expect(opened).toBeLessThan(12);
    } finally {
      t.sandbox.speech!.failure = undefined;
    }
  });
});

describe('transcribe mode when the party at connectTo is not reached', () => {
  let t: TestBridge;
  let next = 700;

  beforeAll(async () => {
    t = await startTestBridge();
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['no-answer', 'party-no-answer'],
    ['busy', 'party-busy'],
    ['failed', 'party-failed'],
  ] as const)('records a party who %s as endReason %s, not as the callee hanging up', async (outcome, endReason) => {
    const to = `+1555111${next++}`;
    t.sandbox.carrier!.scripts.set(to, humanScript({ partyOutcome: outcome }));
    const placed = await t.placeCall({ to, mode: 'transcribe', connectTo: '+15559870000' });
    const ended = await t.waitForEnd(placed.id, 40_000);
    expect(ended).toMatchObject({ status: 'completed', endReason });
  });

  it('a party who answers leaves the end reason to whoever hangs up', async () => {
    const to = `+1555111${next++}`;
    t.sandbox.carrier!.scripts.set(to, humanScript());
    const placed = await t.placeCall({ to, mode: 'transcribe', connectTo: '+15559870000' });
    expect(await t.waitForEnd(placed.id, 40_000)).toMatchObject({ status: 'completed', endReason: 'callee-hangup' });
  });
});
