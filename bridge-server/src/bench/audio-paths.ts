import { InboundTranscoder } from '../audio/inbound-transcoder';
import { OutboundFramer } from '../audio/outbound-framer';
import type { FramePath } from './audio-baselines';

/** The audio core as one call uses it: one transcoder in, one framer out. */
export function voiceBridgePath(): FramePath {
  const inbound = new InboundTranscoder();
  const framer = new OutboundFramer();
  let frames: string[] = [];
  const sink = (frame: string) => frames.push(frame);
  return {
    inbound: (payload) => inbound.transcode(payload),
    outbound(payload) {
      frames = [];
      framer.push(payload, sink);
      return frames;
    },
  };
}
