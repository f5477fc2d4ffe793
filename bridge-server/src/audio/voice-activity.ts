import { MULAW_DECODE_TABLE } from './mulaw';

/**
 * The one loudness threshold the bridge uses to tell speech from a line's silence: a frame
 * whose loudest sample reaches this (about -36 dBFS) holds voice. Agent calls use it to time the
 * callee's utterances; transcription uses it to skip leading silence when audio is re-sent.
 */
export const VOICE_PEAK = 500;

export function isVoicedPeak(peak: number): boolean {
  return peak >= VOICE_PEAK;
}

/** Whether 8 kHz μ-law audio holds no voiced sample. */
export function isSilentMulaw(audio: Uint8Array): boolean {
  for (let i = 0; i < audio.length; i++) {
    const sample = MULAW_DECODE_TABLE[audio[i]];
    if (sample >= VOICE_PEAK || sample <= -VOICE_PEAK) return false;
  }
  return true;
}
