import { GoogleGenAI, type Session } from '@google/genai';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { GEMINI_INPUT_MIME_TYPE } from '../../../bridge-server/src/audio/inbound-transcoder';
import { RealtimeAudioSender } from '../../../bridge-server/src/agent/realtime-audio-sender';

/** A bare Live endpoint: completes set-up, then records every frame the client sends. */
async function recordingEndpoint(): Promise<{
  url: string;
  frames: { text: string; binary: boolean }[];
  close(): Promise<void>;
}> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const frames: { text: string; binary: boolean }[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (data, binary) => {
      const text = data.toString();
      if (text.startsWith('{"setup"')) ws.send(JSON.stringify({ setupComplete: {} }));
      else frames.push({ text, binary });
    });
  });
  const url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  return { url, frames, close: () => new Promise((resolve) => wss.close(() => resolve())) };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('RealtimeAudioSender', () => {
  let endpoint: Awaited<ReturnType<typeof recordingEndpoint>>;
  let session: Session;

  beforeEach(async () => {
    endpoint = await recordingEndpoint();
    const ai = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: endpoint.url } });
    session = await ai.live.connect({ model: 'test-live', callbacks: { onmessage: () => undefined } });
  });

  afterEach(async () => {
    session.close();
    await endpoint.close();
  });

  it("puts the same text frame on the wire as the SDK's own sendRealtimeInput", async () => {
    const pcm = Buffer.from(Array.from({ length: 640 }, (_, i) => (i * 131) & 0xff));
    session.sendRealtimeInput({ audio: { data: pcm.toString('base64'), mimeType: GEMINI_INPUT_MIME_TYPE } });
    new RealtimeAudioSender().send(session, pcm);
    await until(() => endpoint.frames.length === 2);
    const [sdk, ours] = endpoint.frames;
    expect(ours).toEqual(sdk);
    expect(ours.binary).toBe(false);
  });

  it('reuses its message buffer without corrupting frames already sent', async () => {
    const sender = new RealtimeAudioSender();
    const chunks = [Buffer.alloc(640, 1), Buffer.alloc(640, 2), Buffer.alloc(100, 3)];
    for (const chunk of chunks) sender.send(session, chunk);
    await until(() => endpoint.frames.length === 3);
    expect(
      endpoint.frames.map((frame) => Buffer.from(JSON.parse(frame.text).realtimeInput.audio.data, 'base64')),
    ).toEqual(chunks);
  });
});
