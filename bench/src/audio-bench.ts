import { InboundTranscoder } from 'voice-bridge-server/dist/audio/inbound-transcoder';
import { measureDownsampler, measureUpsampler } from './resampler-quality';
import { encodeMulaw } from 'voice-bridge-server/dist/audio/mulaw';
import { sineWave, whiteNoise } from './signal-analysis';
import { heapBytesPerCall } from './allocation-probe';
import { libsamplerateSincFastest, naivePath, type FramePath } from './audio-baselines';
import { voiceBridgePath } from './audio-paths';
import { printTable, timeOperation } from './timing';

const FRAMES_PER_SECOND = 50;

function speechLike(samples: number, rate: number): Int16Array {
  const tone = sineWave(310, rate, samples, 6000);
  const noise = whiteNoise(samples, 2000, rate);
  return tone.map((s, i) => s + noise[i]);
}

/** 20 ms test payloads, as each side sends them. */
function payloads(count: number): { inbound: string[]; outbound: string[] } {
  const pcm8k = speechLike(160 * count, 8000);
  const pcm24k = speechLike(480 * count, 24000);
  const mulaw = new Uint8Array(pcm8k.length);
  encodeMulaw(pcm8k, mulaw);
  const bytes24k = Buffer.from(pcm24k.buffer);
  return {
    inbound: Array.from({ length: count }, (_, i) =>
      Buffer.from(mulaw.subarray(i * 160, (i + 1) * 160)).toString('base64'),
    ),
    outbound: Array.from({ length: count }, (_, i) => bytes24k.subarray(i * 960, (i + 1) * 960).toString('base64')),
  };
}

interface PathTiming {
  inboundNs: number;
  outboundNs: number;
  frameNs: number;
  callsPerCore: number;
}

function timePath(path: FramePath, frames: ReturnType<typeof payloads>): PathTiming {
  const n = frames.inbound.length;
  const inboundNs = timeOperation((i) => path.inbound(frames.inbound[i % n])).medianNs;
  const outboundNs = timeOperation((i) => path.outbound(frames.outbound[i % n])).medianNs;
  const frameNs = inboundNs + outboundNs;
  return { inboundNs, outboundNs, frameNs, callsPerCore: Math.floor(1e9 / (FRAMES_PER_SECOND * frameNs)) };
}

export async function runAudioBench(): Promise<Record<string, unknown>> {
  const frames = payloads(256);
  const ours = timePath(voiceBridgePath(), frames);
  const naive = timePath(naivePath, frames);
  const libsamplerate = timePath(await libsamplerateSincFastest(), frames);
  const up = measureUpsampler();
  const down = measureDownsampler();

  // What the transcoder itself allocates per frame, bytes in -> bytes out (base64 is the codec's
  // and the sender's business): a steady stream should cost only the small view it returns.
  const transcoder = new InboundTranscoder();
  const mulawFrame = Buffer.from(frames.inbound[0], 'base64');
  const inboundBytes = heapBytesPerCall(() => transcoder.transcode(mulawFrame));

  const us = (ns: number) => (ns / 1000).toFixed(2);
  printTable(
    'Audio path per 20 ms frame (median µs; payload in -> payload out, base64 included)',
    ['path', 'inbound µs', 'outbound µs', 'both µs', 'calls/core (audio only)'],
    [
      [
        'voice-bridge (half-band / third-band FIR)',
        us(ours.inboundNs),
        us(ours.outboundNs),
        us(ours.frameNs),
        ours.callsPerCore,
      ],
      [
        '(a) naive: alawmulaw + linear / drop',
        us(naive.inboundNs),
        us(naive.outboundNs),
        us(naive.frameNs),
        naive.callsPerCore,
      ],
      [
        '(b) libsamplerate-js SINC_FASTEST',
        us(libsamplerate.inboundNs),
        us(libsamplerate.outboundNs),
        us(libsamplerate.frameNs),
        libsamplerate.callsPerCore,
      ],
    ],
  );
  printTable(
    'Resampler fidelity (synthetic tones)',
    ['resampler', '1 kHz gain dB', '300-3400 Hz ripple dB', 'alias/image dB', 'delay ms', 'chunked vs one-shot LSB'],
    [
      [
        '8k -> 16k',
        up.gainAt1kHzDb.toFixed(3),
        up.passbandRippleDb.toFixed(3),
        up.worstRejectionDb.toFixed(1),
        up.delayMs.toFixed(2),
        up.chunkedVsOneShotLsb,
      ],
      [
        '24k -> 8k',
        down.gainAt1kHzDb.toFixed(3),
        down.passbandRippleDb.toFixed(3),
        down.worstRejectionDb.toFixed(1),
        down.delayMs.toFixed(2),
        down.chunkedVsOneShotLsb,
      ],
    ],
  );
  const ratioToNaive = ours.frameNs / naive.frameNs;
  const speedupOverLibsamplerate = libsamplerate.frameNs / ours.frameNs;
  process.stdout.write(
    `\nvs naive: ${ratioToNaive.toFixed(2)}x its time (bar: <= 3x); vs libsamplerate-js: ${speedupOverLibsamplerate.toFixed(1)}x faster (bar: >= 10x)\n`,
  );
  process.stdout.write(`heap per inbound frame in the transcoder: ${inboundBytes.toFixed(0)} B\n`);
  return {
    audio: {
      voiceBridge: ours,
      naive,
      libsamplerateSincFastest: libsamplerate,
      ratioToNaive: Number(ratioToNaive.toFixed(3)),
      speedupOverLibsamplerate: Number(speedupOverLibsamplerate.toFixed(2)),
      heapBytesPerInboundFrame: Math.round(inboundBytes),
      upsampler8kTo16k: up,
      downsampler24kTo8k: down,
    },
  };
}
