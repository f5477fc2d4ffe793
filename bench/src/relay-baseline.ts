import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { cpuMicros } from './process-stats';

const FRAME_MS = 20;
const TWILIO_PAYLOAD = Buffer.alloc(160, 0xff).toString('base64');
const GEMINI_MESSAGE = JSON.stringify({
  serverContent: {
    modelTurn: {
      parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: Buffer.alloc(960).toString('base64') } }],
    },
  },
});

export interface RelayBaseline {
  calls: number;
  cpuMicrosPerCallSecond: number;
  callsPerCore: number;
  /** Frames the relay delivered, as a share of those sent (both ways). */
  delivered: number;
}

/**
 * Runs the bare `ws` relay (ws-relay.ts) in its own process with `calls` simulated calls, 20 ms
 * frames both ways, and measures its CPU over `seconds`: the reference the bridge's figure is
 * compared with in the same run.
 */
export async function measureRelayBaseline(calls: number, seconds: number): Promise<RelayBaseline> {
  const geminiSide = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((resolve) => geminiSide.once('listening', resolve));
  const upstreams = new Set<WebSocket>();
  let toGemini = 0;
  let toTwilio = 0;
  geminiSide.on('connection', (ws) => {
    upstreams.add(ws);
    ws.on('message', () => toGemini++);
    ws.on('close', () => upstreams.delete(ws));
  });
  const relay = fork(join(__dirname, 'ws-relay.js'), [], {
    env: { ...process.env, RELAY_UPSTREAM: `ws://127.0.0.1:${(geminiSide.address() as AddressInfo).port}/` },
  });
  const port = await new Promise<number>((resolve) =>
    relay.on('message', (m: { event: string; port: number }) => m.event === 'ready' && resolve(m.port)),
  );
  const callers: WebSocket[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send(JSON.stringify({ event: 'start', streamSid: `MZ${i}`, start: { streamSid: `MZ${i}` } }));
      ws.on('message', () => toTwilio++);
      callers.push(ws);
    }
    while (upstreams.size < calls) await new Promise((resolve) => setTimeout(resolve, 20));
    let sent = 0;
    let recording = false;
    const media = (i: number, tick: number) =>
      `{"event":"media","sequenceNumber":"${tick}","media":{"track":"inbound","chunk":"${tick}","timestamp":"${tick * FRAME_MS}","payload":"${TWILIO_PAYLOAD}"},"streamSid":"MZ${i}"}`;
    let tick = 0;
    const timer = setInterval(() => {
      tick++;
      callers.forEach((ws, i) => ws.send(media(i, tick)));
      for (const ws of upstreams) ws.send(GEMINI_MESSAGE);
      if (recording) sent += 2 * calls;
    }, FRAME_MS);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    recording = true;
    const receivedBefore = toGemini + toTwilio;
    const before = cpuMicros(relay.pid!);
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const used = cpuMicros(relay.pid!);
    const elapsed = (performance.now() - startedAt) / 1000;
    recording = false;
    clearInterval(timer);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const perCallSecond = (used.user + used.kernel - before.user - before.kernel) / (calls * elapsed);
    return {
      calls,
      cpuMicrosPerCallSecond: Math.round(perCallSecond),
      callsPerCore: Math.floor(1e6 / perCallSecond),
      delivered: Math.min(1, (toGemini + toTwilio - receivedBefore) / sent),
    };
  } finally {
    for (const ws of callers) ws.terminate();
    relay.kill('SIGKILL');
    await new Promise((resolve) => geminiSide.close(resolve));
  }
}
