import { encodeMulaw } from './mulaw';

/**
 * DTMF as ITU-T Q.23 defines it: each key is one low-group and one high-group frequency played
 * together. Tones here last 100 ms with 100 ms gaps (Q.24 receivers need 40 ms or more of each;
 * networks commonly ask for 70 ms), each frequency at -8 dBFS so their sum stays below clipping.
 */

export const DTMF_LOW_HZ = [697, 770, 852, 941] as const;
export const DTMF_HIGH_HZ = [1209, 1336, 1477, 1633] as const;
export const DTMF_KEYS = ['123A', '456B', '789C', '*0#D'] as const;

const SAMPLE_RATE = 8000;
const FRAME_SAMPLES = 160;
const AMPLITUDE = 0.4 * 32767;

export interface DtmfTiming {
  toneMs: number;
  gapMs: number;
}

export const DEFAULT_DTMF_TIMING: DtmfTiming = { toneMs: 100, gapMs: 100 };
/** A `w` in a key sequence waits this long (as phone diallers' "wait"). */
const WAIT_MS = 500;

/** The two frequencies of a key, or undefined for a character that is not a key. */
export function dtmfFrequencies(key: string): [number, number] | undefined {
  const upper = key.toUpperCase();
  for (let row = 0; row < 4; row++) {
    const column = DTMF_KEYS[row].indexOf(upper);
    if (column >= 0 && upper.length === 1) return [DTMF_LOW_HZ[row], DTMF_HIGH_HZ[column]];
  }
  return undefined;
}

/** The keys of a sequence the agent gave ("1 2 #", "12#"), `w` kept as a wait; anything else is ignored. */
export function dtmfSequence(keys: string): string[] {
  return [...keys.toUpperCase()].filter((key) => key === 'W' || dtmfFrequencies(key) !== undefined);
}

/** 8 kHz PCM of a key sequence, tones and gaps, starting and ending with a gap. */
export function dtmfPcm(keys: readonly string[], timing: DtmfTiming = DEFAULT_DTMF_TIMING): Int16Array {
  const samples = (ms: number) => Math.round((ms * SAMPLE_RATE) / 1000);
  const total = keys.reduce(
    (sum, key) => sum + (key === 'W' ? samples(WAIT_MS) : samples(timing.toneMs) + samples(timing.gapMs)),
    samples(timing.gapMs),
  );
  const pcm = new Int16Array(total);
  let at = samples(timing.gapMs);
  for (const key of keys) {
    const pair = key === 'W' ? undefined : dtmfFrequencies(key);
    if (!pair) {
      at += samples(WAIT_MS);
      continue;
    }
    const [low, high] = pair;
    const length = samples(timing.toneMs);
    for (let i = 0; i < length; i++) {
      const t = i / SAMPLE_RATE;
      pcm[at + i] = Math.round(AMPLITUDE * (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t)));
    }
    at += length + samples(timing.gapMs);
  }
  return pcm;
}

/** The same as 20 ms μ-law frames for the phone (the last frame padded with silence). */
export function dtmfFrames(keys: readonly string[], timing: DtmfTiming = DEFAULT_DTMF_TIMING): Buffer[] {
  const pcm = dtmfPcm(keys, timing);
  const frames: Buffer[] = [];
  for (let at = 0; at < pcm.length; at += FRAME_SAMPLES) {
    const chunk = new Int16Array(FRAME_SAMPLES);
    chunk.set(pcm.subarray(at, at + FRAME_SAMPLES));
    const frame = Buffer.alloc(FRAME_SAMPLES);
    encodeMulaw(chunk, frame);
    frames.push(frame);
  }
  return frames;
}
