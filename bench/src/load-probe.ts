/**
 * Timing probe shared by the carrier and the Gemini simulator when both run in one process (the
 * load test): each side notes when it sent a frame, the other when it arrived, so the bridge's
 * added latency is measured on one clock, and every frame is counted at both ends. A frame counts
 * when it was sent during the measured window, wherever it is received.
 */

/** A frame slower than this through the bridge counts as late. */
const LATE_MS = 20;

/** One direction through the bridge: frames queued per call in sending order, matched on arrival. */
class FrameFlow {
  private readonly inFlight = new Map<string, { at: number; counted: boolean }[]>();
  readonly latencyMs: number[] = [];
  sent = 0;
  received = 0;
  late = 0;

  send(call: string, frames: number, counted: boolean): void {
    let queue = this.inFlight.get(call);
    if (!queue) this.inFlight.set(call, (queue = []));
    const at = performance.now();
    for (let i = 0; i < frames; i++) queue.push({ at, counted });
    if (counted) this.sent += frames;
  }

  arrive(call: string): void {
    const sent = this.inFlight.get(call)?.shift();
    if (!sent?.counted) return;
    const latency = performance.now() - sent.at;
    this.received++;
    this.latencyMs.push(latency);
    if (latency > LATE_MS) this.late++;
  }
}

export class LoadProbe {
  private readonly inbound = new FrameFlow();
  private readonly outbound = new FrameFlow();
  recording = false;

  /** The carrier sent a callee frame for `call`. */
  calleeFrameSent(call: string): void {
    this.inbound.send(call, 1, this.recording);
  }

  /** The Gemini simulator received one audio chunk for `call`. */
  calleeAudioReceived(call: string): void {
    this.inbound.arrive(call);
  }

  /** The Gemini simulator sent a 24 kHz chunk that makes `frames` Twilio frames. */
  agentAudioSent(call: string, frames: number): void {
    this.outbound.send(call, frames, this.recording);
  }

  /** The carrier received one agent frame for `call`. */
  agentFrameReceived(call: string): void {
    this.outbound.arrive(call);
  }

  get inboundLatencyMs(): number[] {
    return this.inbound.latencyMs;
  }

  get outboundLatencyMs(): number[] {
    return this.outbound.latencyMs;
  }

  get counts(): Record<
    'inboundSent' | 'inboundReceived' | 'outboundSent' | 'outboundReceived' | 'inboundLate' | 'outboundLate',
    number
  > {
    const { inbound, outbound } = this;
    return {
      inboundSent: inbound.sent,
      inboundReceived: inbound.received,
      outboundSent: outbound.sent,
      outboundReceived: outbound.received,
      inboundLate: inbound.late,
      outboundLate: outbound.late,
    };
  }
}
