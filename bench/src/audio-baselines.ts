import { create, ConverterType } from '@alexanderolsen/libsamplerate-js';
import { mulaw } from 'alawmulaw';

/**
 * The per-frame paths the audio core is compared against, payload in to payload out, base64
 * included: (a) the naive path and (b) libsamplerate-js (libsamplerate compiled to WebAssembly).
 */

export interface FramePath {
  /** Twilio payload (base64 μ-law, 8 kHz) -> Gemini input (base64 PCM16, 16 kHz). */
  inbound(payload: string): string;
  /** Gemini output (base64 PCM16, 24 kHz) -> Twilio payloads (base64 μ-law, 8 kHz). */
  outbound(payload: string): string[];
}

function pcmFromBase64(base64: string): Int16Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

function base64FromPcm(pcm: Int16Array): string {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
}

/** (a) alawmulaw decode/encode, linear interpolation up and sample dropping down: no filtering at all. */
export const naivePath: FramePath = {
  inbound(payload) {
    const pcm8k = mulaw.decode(Buffer.from(payload, 'base64'));
    const pcm16k = new Int16Array(pcm8k.length * 2);
    for (let i = 0; i < pcm8k.length; i++) {
      const next = i + 1 < pcm8k.length ? pcm8k[i + 1] : pcm8k[i];
      pcm16k[2 * i] = pcm8k[i];
      pcm16k[2 * i + 1] = (pcm8k[i] + next) >> 1;
    }
    return base64FromPcm(pcm16k);
  },
  outbound(payload) {
    const pcm24k = pcmFromBase64(payload);
    const pcm8k = new Int16Array(Math.floor(pcm24k.length / 3));
    for (let i = 0; i < pcm8k.length; i++) pcm8k[i] = pcm24k[3 * i];
    return [Buffer.from(mulaw.encode(pcm8k)).toString('base64')];
  },
};

/** (b) libsamplerate's fastest sinc converter, streaming (`full` keeps state between calls). */
export async function libsamplerateSincFastest(): Promise<FramePath> {
  const up = await create(1, 8000, 16000, { converterType: ConverterType.SRC_SINC_FASTEST });
  const down = await create(1, 24000, 8000, { converterType: ConverterType.SRC_SINC_FASTEST });
  const toFloat = (pcm: Int16Array) => Float32Array.from(pcm, (s) => s / 32768);
  const toInt16 = (samples: Float32Array) =>
    Int16Array.from(samples, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 32768))));
  return {
    inbound(payload) {
      return base64FromPcm(toInt16(up.full(toFloat(mulaw.decode(Buffer.from(payload, 'base64'))))));
    },
    outbound(payload) {
      return [Buffer.from(mulaw.encode(toInt16(down.full(toFloat(pcmFromBase64(payload)))))).toString('base64')];
    },
  };
}
