import WebSocket from 'ws';
import { signTwilioRequest } from '../../../bridge-server/src/twilio/twilio-signature';
import { humanScript } from '../../../bridge-server/src/sandbox/callee-script';
import { SILENT_MULAW_FRAME } from '../../../bridge-server/src/sandbox/speech-synth';
import { capturingLogger } from '../../support/log-capture';
import { agentCall, startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

describe('WS /twilio/media with bad input', () => {
  let t: TestBridge;
  let lines: Record<string, unknown>[];
  const wsUrl = () => `${t.url.replace('http', 'ws')}/twilio/media`;

  async function openSocket(signature?: string): Promise<WebSocket> {
    const url = wsUrl();
    const ws = new WebSocket(url, {
      headers: { 'X-Twilio-Signature': signature ?? signTwilioRequest(t.sandbox.carrier!.authToken, url, {}) },
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return ws;
  }

  function closed(ws: WebSocket): Promise<number> {
    return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  async function logged(msg: string, reason?: string): Promise<void> {
    for (let i = 0; i < 40; i++) {
      if (lines.some((l) => l.msg === msg && (reason === undefined || l.reason === reason))) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no log line "${msg}" (${reason ?? ''})`);
  }

  beforeAll(async () => {
    const captured = capturingLogger();
    lines = captured.lines;
    t = await startTestBridge({}, { log: captured.log });
  });

  afterAll(async () => {
    await t.close();
  });

  it('refuses an upgrade with a forged X-Twilio-Signature with 403', async () => {
    const ws = new WebSocket(wsUrl(), { headers: { 'X-Twilio-Signature': 'Zm9yZ2Vk' } });
    const status = await new Promise<number>((resolve) =>
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(403);
  });

  it('refuses an upgrade with no signature with 403', async () => {
    const ws = new WebSocket(wsUrl());
    const status = await new Promise<number>((resolve) =>
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(403);
  });

  it('drops malformed JSON, unknown events and messages before start with a log line, and stays open', async () => {
    const ws = await openSocket();
    ws.send('{not json');
    await logged('dropped a media-stream message', 'invalid-json');
    ws.send(JSON.stringify({ event: 'teleport', streamSid: 'MZ1' }));
    await logged('dropped a media-stream message', 'unknown-event');
    ws.send(
      JSON.stringify({
        event: 'media',
        streamSid: 'MZ1',
        media: { track: 'inbound', chunk: '1', timestamp: '0', payload: SILENT_MULAW_FRAME },
      }),
    );
    await logged('dropped a message that came before start');
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('drops a media frame with bad base64 with a log line', async () => {
    const ws = await openSocket();
    ws.send(
      JSON.stringify({
        event: 'media',
        streamSid: 'MZ1',
        media: { track: 'inbound', chunk: '1', timestamp: '0', payload: '***not base64***' },
      }),
    );
    await logged('dropped a media-stream message', 'bad-base64');
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('closes with 1003 on a binary frame', async () => {
    const ws = await openSocket();
    const code = closed(ws);
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await code).toBe(1003);
  });

  it('closes with 1009 on a frame over the size cap', async () => {
    const ws = await openSocket();
    const code = closed(ws);
    ws.send(JSON.stringify({ event: 'media', media: { payload: 'A'.repeat(100_000) } }));
    expect(await code).toBe(1009);
  });

  it('closes with 1008 on a start for an unknown call', async () => {
    const ws = await openSocket();
    const code = closed(ws);
    ws.send(
      JSON.stringify({
        event: 'start',
        streamSid: 'MZ1',
        start: {
          streamSid: 'MZ1',
          callSid: 'CA1',
          accountSid: 'AC1',
          tracks: ['inbound'],
          customParameters: { callId: 'call_nope' },
        },
      }),
    );
    expect(await code).toBe(1008);
  });

  it('refuses a forged status callback with 403 and leaves the call unchanged', async () => {
    t.sandbox.carrier!.scripts.set('+15552220001', humanScript({ ringMs: 30_000 }));
    const placed = await t.placeCall(agentCall('+15552220001'));
    await t.waitForCall(placed.id, (call) => call.status === 'ringing');
    const forged = await fetch(`${t.url}/twilio/status?callId=${placed.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'Zm9yZ2Vk' },
      body: new URLSearchParams({
        CallSid: placed.twilioCallSid ?? '',
        CallStatus: 'completed',
        CallDuration: '1',
      }).toString(),
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as any).error.code).toBe('TWILIO_SIGNATURE_INVALID');
    const unsigned = await fetch(`${t.url}/twilio/amd?callId=${placed.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'AnsweredBy=machine_start',
    });
    expect(unsigned.status).toBe(403);
    const after = await t.api(`/v1/calls/${placed.id}`);
    expect(after.body).toMatchObject({ status: 'ringing', answeredBy: null, endReason: null });
    await t.api(`/v1/calls/${placed.id}/hangup`, { method: 'POST' });
  });

  it('keeps other calls going, untouched, while a stream is fed garbage', async () => {
    t.sandbox.carrier!.scripts.set('+15552220002', humanScript());
    const good = await t.placeCall(agentCall('+15552220002'));
    const attacker = await openSocket();
    const started = await t.waitForCall(good.id, (call) => call.status === 'in-progress');
    // Hijack attempts: a stream message naming the good call's stream, and junk of every kind.
    const carrierCall = [...t.sandbox.carrier!.calls.values()].find((c) => c.sid === started.twilioCallSid);
    for (let i = 0; i < 50; i++) {
      attacker.send('{"event":"media",');
      attacker.send(JSON.stringify({ event: 'stop', streamSid: carrierCall?.stream?.streamSid }));
      attacker.send(
        JSON.stringify({ event: 'mark', streamSid: carrierCall?.stream?.streamSid, mark: { name: '0:999' } }),
      );
    }
    const ended = await t.waitForEnd(good.id, 30_000);
    expect(ended).toMatchObject({ status: 'completed', endReason: 'agent-hangup' });
    expect(ended.transcript.map((e) => e.speaker)).toEqual(['agent', 'callee', 'agent', 'callee', 'agent']);
    expect(attacker.readyState).toBe(WebSocket.OPEN);
    attacker.close();
    expect((await t.api('/healthz')).status).toBe(200);
  });
});
