import { agentCall, startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

const API_KEY = 'recordings-test-key-0123';
const auth = { authorization: `Bearer ${API_KEY}` };

/** Mean absolute sample of one channel of a 2-channel 16-bit 8 kHz WAV between two times (ms). */
function level(wav: Buffer, channel: number, fromMs: number, toMs: number): number {
  const frames = (wav.length - 44) / 4;
  const first = Math.max(0, Math.floor((fromMs * 8000) / 1000));
  const last = Math.min(frames, Math.floor((toMs * 8000) / 1000));
  let sum = 0;
  for (let i = first; i < last; i++) sum += Math.abs(wav.readInt16LE(44 + i * 4 + channel * 2));
  return last > first ? sum / (last - first) : 0;
}

describe('call recordings (sandbox carrier recording what it exchanged, bridge streaming it)', () => {
  let t: TestBridge;

  beforeAll(async () => {
    t = await startTestBridge({ BRIDGE_API_KEY: API_KEY, SANDBOX_SPEED: '4' });
  });

  afterAll(() => t.close());

  const place = (to: string, extra: Record<string, unknown>) =>
    t.api('/v1/calls', { method: 'POST', headers: auth, json: agentCall(to, extra) });

  it('puts the recording in call.ended, and serves a two-channel WAV: the agent on its channel, the callee on theirs', async () => {
    const placed = await place('+15551238001', { record: true });
    expect(placed.status).toBe(201);
    const ended = await t.waitForEnd(placed.body.id, 40_000);
    expect(ended.recording).toEqual({
      sid: expect.stringMatching(/^RE[0-9a-f]{32}$/),
      durationSec: expect.any(Number),
      channels: 2,
      status: 'completed',
    });
    expect(ended.recording!.durationSec).toBeGreaterThan(3);

    const response = await fetch(`${t.url}/v1/calls/${placed.body.id}/recording`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/x-wav');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    const wav = Buffer.from(await response.arrayBuffer());
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect([wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([2, 8000, 16]);
    expect(Number(response.headers.get('content-length'))).toBe(wav.length);

    // The bridge's transcript says who spoke when (its own clock, from its own audio path): the
    // agent's words are loud on channel 2 and the callee's on channel 1, and not the other way.
    // Who speaks when, read off the recording in 100 ms windows: the turns must be the
    // transcript's (agent, callee, agent…), each on its own channel, never the two at once.
    const turns: string[] = [];
    const durationMs = ((wav.length - 44) / 4 / 8000) * 1000;
    for (let ms = 0; ms < durationMs; ms += 100) {
      const [callee, agent] = [level(wav, 0, ms, ms + 100), level(wav, 1, ms, ms + 100)];
      const who = callee > 300 && agent > 300 ? 'both' : agent > 300 ? 'agent' : callee > 300 ? 'callee' : undefined;
      if (who && turns.at(-1) !== who) turns.push(who);
    }
    const spoken = ended.transcript.filter((e) => e.kind !== 'tool').map((e) => e.speaker);
    expect(turns).toEqual(spoken.filter((speaker, i) => speaker !== spoken[i - 1]));
    expect(turns).toEqual(expect.arrayContaining(['agent', 'callee']));

    const part = await fetch(`${t.url}/v1/calls/${placed.body.id}/recording`, {
      headers: { ...auth, range: 'bytes=0-43' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-43/${wav.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(wav.subarray(0, 44));
    const past = await fetch(`${t.url}/v1/calls/${placed.body.id}/recording`, {
      headers: { ...auth, range: `bytes=${wav.length + 10}-` },
    });
    expect(past.status).toBe(416);
  });

  it('deletes the recording at Twilio when the call’s data are deleted on request', async () => {
    const placed = await place('+15551238004', { record: true });
    const ended = await t.waitForEnd(placed.body.id, 40_000);
    const sid = ended.recording!.sid;
    expect(t.sandbox.carrier!.recordings.files.has(sid)).toBe(true);
    const erased = await t.api(`/v1/calls/${placed.body.id}/data`, { method: 'DELETE', headers: auth });
    expect(erased.body).toMatchObject({ store: true, archive: null, recording: true });
    expect(t.sandbox.carrier!.recordings.files.has(sid)).toBe(false);
    expect((await t.api(`/v1/calls/${placed.body.id}/recording`, { headers: auth })).status).toBe(404);
  });

  it('answers 401 without the key, and 404 RECORDING_NOT_FOUND for a call placed without record', async () => {
    const placed = await place('+15551238002', {});
    await t.waitForEnd(placed.body.id, 40_000);
    expect((await fetch(`${t.url}/v1/calls/${placed.body.id}/recording`)).status).toBe(401);
    const missing = await t.api(`/v1/calls/${placed.body.id}/recording`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('RECORDING_NOT_FOUND');
  });

  it('a recorded call nobody answers ends without waiting for a recording', async () => {
    const placed = await place('+15556660002', { record: true });
    const started = Date.now();
    const ended = await t.waitForEnd(placed.body.id, 10_000);
    expect(ended.status).toBe('busy');
    expect(ended.recording).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a forged recording-status callback with 403', async () => {
    const placed = await place('+15551238003', { record: true });
    const forged = await fetch(`${t.url}/twilio/recording-status?callId=${placed.body.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'bm9wZQ==' },
      body: new URLSearchParams({ RecordingSid: `RE${'0'.repeat(32)}`, RecordingStatus: 'completed' }).toString(),
    });
    expect(forged.status).toBe(403);
    await t.waitForEnd(placed.body.id, 40_000);
  });
});
