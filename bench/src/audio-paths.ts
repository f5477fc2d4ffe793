import { InboundTranscoder } from 'voice-bridge-server/dist/audio/inbound-transcoder';
import { OutboundFramer } from 'voice-bridge-server/dist/audio/outbound-framer';
import type { FramePath } from './audio-baselines';

/**
 * The audio core as one call uses it: one transcoder in, one framer out. Base64 is decoded and
 * encoded here as the codec and the senders do it, so the comparison with the baselines (which
 * go payload to payload) stays like for like.
 */
export function voiceBridgePath(): FramePath {
  const inbound = new InboundTranscoder();
  const framer = new OutboundFramer();
  let frames: string[] = [];
  const sink = (frame: Buffer) => frames.push(frame.toString('base64'));
  return {
    inbound: (payload) => inbound.transcode(Buffer.from(payload, 'base64')).toString('base64'),
    outbound(payload) {
      frames = [];
      framer.push(payload, sink);
      return frames;
    },
  };
}
