import WebSocket from 'ws';
import { humanScript } from '../../bridge-server/src/sandbox/callee-script';
import { signTwilioRequest } from '../../bridge-server/src/twilio/twilio-signature';
import { agentCall, startTestBridge, type TestBridge } from '../support/sandbox-bridge';

describe('each media stream is bound to its call', () => {
  let t: TestBridge;
  const wsUrl = () => `${t.url.replace('http', 'ws')}/twilio/media`;

  /** A socket with a valid upgrade signature: the signature is the same for every call. */
  async function signedSocket(): Promise<WebSocket> {
    const ws = new WebSocket(wsUrl(), {
      headers: { 'X-Twilio-Signature': signTwilioRequest(t.sandbox.carrier!.authToken, wsUrl(), {}) },
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return ws;
  }

  function start(ws: WebSocket, customParameters: Record<string, string>): Promise<number> {
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    ws.send(
      JSON.stringify({
        event: 'start',
        streamSid: 'MZattacker',
        start: {
          streamSid: 'MZattacker',
          callSid: 'CAattacker',
          accountSid: 'AC1',
          tracks: ['inbound'],
          customParameters,
        },
      }),
    );
    return closed;
  }

  beforeAll(async () => {
    t = await startTestBridge();
  });

  afterAll(async () => {
    await t.close();
  });

  it('refuses a start that names a live call without its stream token (1008) and leaves the call untouched', async () => {
    t.sandbox.carrier!.scripts.set('+15554440001', humanScript({ ringMs: 3000 }));
    const placed = await t.placeCall(agentCall('+15554440001'));
    await t.waitForCall(placed.id, (call) => call.status === 'ringing');
    for (const token of [undefined, '', 'guess', '0'.repeat(32)]) {
      const ws = await signedSocket();
      expect(await start(ws, { callId: placed.id, ...(token === undefined ? {} : { streamToken: token }) })).toBe(1008);
    }
    const ended = await t.waitForEnd(placed.id, 50_000);
    expect(ended).toMatchObject({ status: 'completed', endReason: 'agent-hangup' });
    expect(ended.transcript.map((e) => e.speaker)).toEqual(['agent', 'callee', 'agent', 'callee', 'agent']);
  }, 60_000);

  it('refuses a second start for a call already streaming, even with the right token, and the first stream carries on', async () => {
    t.sandbox.carrier!.scripts.set('+15554440002', humanScript());
    const placed = await t.placeCall(agentCall('+15554440002'));
    await t.waitForCall(placed.id, (call) => call.status === 'in-progress');
    const { streamToken } = (await t.bridge.calls.getRecord(placed.id))!;
    const ws = await signedSocket();
    const heardAudio: number[] = [];
    ws.on('message', (data) => heardAudio.push(data.toString().length));
    expect(await start(ws, { callId: placed.id, streamToken })).toBe(1008);
    expect(heardAudio).toEqual([]);
    const ended = await t.waitForEnd(placed.id, 50_000);
    expect(ended).toMatchObject({ status: 'completed', endReason: 'agent-hangup' });
    expect(ended.transcript).toHaveLength(5);
  }, 60_000);

  it('refuses a start for an ended call and for an unknown one', async () => {
    const placed = await t.placeCall(agentCall('+15554440003'));
    const ended = await t.waitForEnd(placed.id, 50_000);
    const { streamToken } = (await t.bridge.calls.getRecord(ended.id))!;
    expect(await start(await signedSocket(), { callId: ended.id, streamToken })).toBe(1008);
    expect(await start(await signedSocket(), { callId: 'call_000000000000000000000000', streamToken })).toBe(1008);
    expect(await start(await signedSocket(), {})).toBe(1008);
  }, 60_000);

  it('never puts the stream token in the public call resource', async () => {
    const placed = await t.placeCall(agentCall('+15554440004'));
    const { streamToken } = (await t.bridge.calls.getRecord(placed.id))!;
    expect(streamToken).toMatch(/^[0-9a-f]{32}$/);
    const listed = await t.api('/v1/calls');
    expect(JSON.stringify(listed.body)).not.toContain(streamToken);
    expect(JSON.stringify((await t.api(`/v1/calls/${placed.id}`)).body)).not.toContain(streamToken);
    await t.api(`/v1/calls/${placed.id}/hangup`, { method: 'POST' });
  });
});
