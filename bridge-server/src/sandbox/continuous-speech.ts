import type WebSocket from 'ws';
import type { FrameTelemetry } from './frame-telemetry';
import { voicedPcm } from './speech-synth';

const CHUNK_MS = 100;

/**
 * Load testing: the simulated agent speaks without pause, 100 ms of 24 kHz audio every 100 ms of
 * simulated time, until the connection closes or the returned function is called. It catches
 * up on the wall clock, so timer drift neither starves nor floods the bridge.
 */
export function speakContinuously(
  ws: WebSocket,
  speed: number,
  telemetry?: { report: FrameTelemetry; key: string },
): () => void {
  const chunkSamples = (24000 * CHUNK_MS) / 1000;
  const pcm = voicedPcm(1000, 24000, 190, 5);
  const chunks = Array.from({ length: 10 }, (_, i) => {
    const part = pcm.subarray(i * chunkSamples, (i + 1) * chunkSamples);
    const data = Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64');
    return JSON.stringify({
      serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }] } },
    });
  });
  const started = performance.now();
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const due = Math.floor(((performance.now() - started) * speed) / CHUNK_MS) + 1;
    for (; sent < due && ws.readyState === ws.OPEN; sent++) {
      telemetry?.report.agentAudioSent(telemetry.key, CHUNK_MS / 20);
      ws.send(chunks[sent % chunks.length]);
    }
    timer = setTimeout(tick, CHUNK_MS / 2 / speed);
  };
  tick();
  return () => clearTimeout(timer);
}
