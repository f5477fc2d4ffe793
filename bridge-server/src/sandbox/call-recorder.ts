import { decodeMulaw, MULAW_SILENCE } from '../audio/mulaw';

const FRAME_BYTES = 160; // 20 ms of 8 kHz μ-law
const SILENT_FRAME = Buffer.alloc(FRAME_BYTES, MULAW_SILENCE);

function frameBytes(payload: string | undefined): Buffer {
  if (!payload) return SILENT_FRAME;
  const bytes = Buffer.from(payload, 'base64');
  return bytes.length === FRAME_BYTES ? bytes : Buffer.concat([bytes, SILENT_FRAME]).subarray(0, FRAME_BYTES);
}

/**
 * What the simulated carrier records of a call, as Twilio's dual-channel recording does: every
 * 20 ms, the frame the callee sent (channel 1) and the frame the other side played to them (the
 * agent, or in a transcribed call the party: channel 2), silence where nothing was said.
 */
export class CallRecorder {
  private readonly callee: Buffer[] = [];
  private readonly other: Buffer[] = [];

  /** One 20 ms tick: each side's μ-law frame (base64), or undefined for silence. */
  frame(callee: string | undefined, other: string | undefined): void {
    this.callee.push(frameBytes(callee));
    this.other.push(frameBytes(other));
  }

  get durationSec(): number {
    return Math.round((this.callee.length * 20) / 1000);
  }

  /** A WAV file: 8 kHz, 16-bit PCM, two channels interleaved (callee, then the agent or party). */
  wav(): Buffer {
    const samples = this.callee.length * FRAME_BYTES;
    const left = new Int16Array(samples);
    const right = new Int16Array(samples);
    decodeMulaw(Buffer.concat(this.callee), left);
    decodeMulaw(Buffer.concat(this.other), right);
    const data = Buffer.alloc(samples * 4);
    for (let i = 0; i < samples; i++) {
      data.writeInt16LE(left[i], i * 4);
      data.writeInt16LE(right[i], i * 4 + 2);
    }
    return Buffer.concat([wavHeader(data.length, 2, 8000), data]);
  }
}

/** The 44-byte RIFF/WAVE header of 16-bit PCM. */
export function wavHeader(dataBytes: number, channels: number, sampleRate: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
