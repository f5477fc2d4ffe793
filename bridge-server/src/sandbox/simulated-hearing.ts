/**
 * What the simulated Gemini can tell from the audio itself (16 kHz PCM16): the pitch of a voice,
 * so it knows the voicemail greeting's voice from a person's, and a steady tone (the beep after a
 * voicemail greeting). The sandbox voices are harmonic buzzes, so plain autocorrelation finds
 * their pitch, and Goertzel's algorithm measures one frequency's share of a frame's energy.
 */

const SAMPLE_RATE = 16_000;

/** The fundamental of a voiced 20 ms frame (100-400 Hz), or undefined when none stands out. */
export function framePitchHz(pcm: Int16Array): number | undefined {
  const minLag = Math.floor(SAMPLE_RATE / 400);
  const maxLag = Math.ceil(SAMPLE_RATE / 100);
  if (pcm.length < maxLag + minLag) return undefined;
  let energy = 0;
  for (let i = 0; i < pcm.length; i++) energy += pcm[i] * pcm[i];
  if (energy === 0) return undefined;
  let bestLag = 0;
  let best = 0;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let sum = 0;
    for (let i = 0; i + lag < pcm.length; i++) sum += pcm[i] * pcm[i + lag];
    if (sum > best) {
      best = sum;
      bestLag = lag;
    }
  }
  return best / energy > 0.3 ? SAMPLE_RATE / bestLag : undefined;
}

/** The share (0-1) of a frame's energy at `hz`. */
export function toneShare(pcm: Int16Array, hz: number): number {
  const omega = (2 * Math.PI * hz) / SAMPLE_RATE;
  const coefficient = 2 * Math.cos(omega);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < pcm.length; i++) {
    const s0 = pcm[i] + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += pcm[i] * pcm[i];
  }
  if (energy === 0) return 0;
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return (2 * power) / (pcm.length * energy);
}

/** The simulated agent hears a voice in a frame this loud (RMS). */
const VOICE_RMS = 800;

/** PCM16 LE samples of a base64 realtime-input chunk (an odd last byte is dropped). */
export function pcmOfBase64(base64: string): Int16Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.length & ~1)));
}

export function isVoicedPcm(pcm: Int16Array): boolean {
  let sum = 0;
  for (const sample of pcm) sum += sample * sample;
  return pcm.length > 0 && Math.sqrt(sum / pcm.length) >= VOICE_RMS;
}

/** 200 ms of a steady 1 kHz tone make a voicemail beep. */
const BEEP_HZ = 1000;
const BEEP_TONE_SHARE = 0.7;
const BEEP_MIN_FRAMES = 10;

/** Hears a voicemail beep: `beeping` while it (and the ring of its end) lasts, `over` when it has ended. */
export class BeepWatch {
  private toneFrames = 0;

  hear(pcm: Int16Array, voiced: boolean): 'beeping' | 'over' | 'none' {
    if (voiced && (this.toneFrames >= BEEP_MIN_FRAMES || toneShare(pcm, BEEP_HZ) > BEEP_TONE_SHARE)) {
      this.toneFrames++;
      return 'beeping';
    }
    const over = this.toneFrames >= BEEP_MIN_FRAMES;
    this.toneFrames = 0;
    return over ? 'over' : 'none';
  }
}
