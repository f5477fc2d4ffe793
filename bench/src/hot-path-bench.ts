import { Session } from '@google/genai';
import * as ws from 'ws';
import { RealtimeAudioSender } from 'voice-bridge-server/dist/agent/realtime-audio-sender';
import { GEMINI_INPUT_MIME_TYPE } from 'voice-bridge-server/dist/audio/inbound-transcoder';
import { decodeBase64 } from 'voice-bridge-server/dist/twilio/media-stream-codec';
import { printTable, timeOperation } from './timing';

/** ws's frame writer (exported at runtime, not in its type definitions). */
const { Sender } = ws as unknown as {
  Sender: new (socket: unknown) => { send(data: string | Buffer, options: object): void };
};

/** The strict pattern the codec used to check every payload with, before decodeBase64. */
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** ws's own masking loop, which it uses when `bufferutil` is not installed. */
function maskInJs(source: Buffer, mask: Buffer, output: Buffer, offset: number, length: number): void {
  for (let i = 0; i < length; i++) output[offset + i] = source[i] ^ mask[i & 3];
}

/**
 * Per-message costs on the hot path, old way against new, each in isolation (no sockets): what
 * the load test's whole-process figure is made of. Medians of 15 rounds.
 */
export async function runHotPathBench(): Promise<Record<string, unknown>> {
  const pcm = Buffer.from(Array.from({ length: 640 }, (_, i) => (i * 131) & 0xff));
  // A ws Sender over a socket that accepts and drops writes: framing and masking are measured,
  // the syscall is not (the load test has that).
  const sender = new Sender({ cork() {}, uncork() {}, write: () => true });
  const frameOptions = { binary: false, mask: true, fin: true, compress: false };
  const sdkSession = new Session(
    { connect() {}, close() {}, send: (text: string) => sender.send(text, frameOptions) },
    { isVertexAI: () => false } as never,
  );
  const audioSender = new RealtimeAudioSender();
  const viaSdk = timeOperation(
    () => sdkSession.sendRealtimeInput({ audio: { data: pcm.toString('base64'), mimeType: GEMINI_INPUT_MIME_TYPE } }),
    20000,
  ).medianNs;
  const viaBytes = timeOperation(() => sender.send(audioSender.encode(pcm, true), frameOptions), 20000).medianNs;

  const bufferutilModule = 'bufferutil'; // no type definitions; ws loads it the same way
  const bufferutil = (await import(bufferutilModule)) as {
    mask(source: Buffer, mask: Buffer, output: Buffer, offset: number, length: number): void;
  };
  const frame = Buffer.alloc(900, 7);
  const masked = Buffer.alloc(908);
  const key = Buffer.from([1, 2, 3, 4]);
  const jsMask = timeOperation(() => maskInJs(frame, key, masked, 8, 900), 20000).medianNs;
  const nativeMask = timeOperation(() => bufferutil.mask(frame, key, masked, 8, 900), 20000).medianNs;

  const payload = Buffer.from(Array.from({ length: 160 }, (_, i) => (i * 37) & 0xff)).toString('base64');
  const regexThenDecode = timeOperation(
    () => BASE64_PATTERN.test(payload) && Buffer.from(payload, 'base64'),
    20000,
  ).medianNs;
  const decodeChecked = timeOperation(() => decodeBase64(payload), 20000).medianNs;

  const rows: [string, number, number][] = [
    ['Gemini audio message, 20 ms (SDK sendRealtimeInput -> RealtimeAudioSender)', viaSdk, viaBytes],
    ['ws masking of a 900-byte client frame (JS loop -> bufferutil)', jsMask, nativeMask],
    ['Twilio payload check + decode (regex + decode -> decodeBase64)', regexThenDecode, decodeChecked],
  ];
  printTable(
    'Hot path per message, before -> after (median ns, no sockets)',
    ['step', 'before ns', 'after ns', 'speed-up'],
    rows.map(([name, before, after]) => [name, before.toFixed(0), after.toFixed(0), `${(before / after).toFixed(1)}x`]),
  );
  return {
    hotPath: Object.fromEntries(
      rows.map(([name, before, after]) => [name, { beforeNs: Math.round(before), afterNs: Math.round(after) }]),
    ),
  };
}
