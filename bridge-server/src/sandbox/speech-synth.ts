import { encodeMulaw } from '../audio/mulaw';

/**
 * Speech-like test audio: a voiced buzz (harmonics of a pitch) under a syllable-rate envelope.
 * It has the energy profile of speech, which is what the simulated agent and recogniser listen
 * for; nobody needs to understand it.
 */

/** About how long a line takes to say: 65 ms per character, at least half a second. */
export function speakingTimeMs(text: string): number {
  return Math.max(500, text.length * 65);
}

export function voicedPcm(durationMs: number, sampleRate: number, pitchHz = 140, seed = 1, level = 1): Int16Array {
  const samples = Math.round((durationMs / 1000) * sampleRate);
  const out = new Int16Array(samples);
  const syllableHz = 4 + (seed % 3) * 0.5;
  for (let i = 0; i < samples; i++) {
    const t = i / sampleRate;
    const envelope = 0.35 + 0.65 * Math.abs(Math.sin(Math.PI * syllableHz * t));
    let voiced = 0;
    for (let h = 1; h <= 8; h++) voiced += Math.sin(2 * Math.PI * pitchHz * h * t + h * seed) / h;
    out[i] = Math.round(5000 * level * envelope * voiced);
  }
  return out;
}

/** A steady sine tone (a voicemail beep) at 8 kHz. */
export function tonePcm(durationMs: number, hz: number, amplitude = 8000): Int16Array {
  const out = new Int16Array(Math.round((durationMs / 1000) * 8000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000));
  return out;
}

/** 20 ms μ-law frames (base64) of speech-like audio. */
export function voicedMulawFrames(durationMs: number, pitchHz = 140, seed = 1, level = 1): string[] {
  return mulawFrames(voicedPcm(durationMs, 8000, pitchHz, seed, level));
}

/** 8 kHz PCM as 20 ms μ-law frames (base64); a partial last frame is dropped. */
export function mulawFrames(pcm: Int16Array): string[] {
  const frames: string[] = [];
  const bytes = new Uint8Array(160);
  for (let at = 0; at + 160 <= pcm.length; at += 160) {
    encodeMulaw(pcm.subarray(at, at + 160), bytes);
    frames.push(Buffer.from(bytes).toString('base64'));
  }
  return frames;
}

export const SILENT_MULAW_FRAME = Buffer.alloc(160, 0xff).toString('base64');
