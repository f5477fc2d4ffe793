/**
 * Timing probe shared by the carrier and the Gemini simulator when both run in one process (the
 * load test): each side notes when it sent a frame, the other when it arrived, so the bridge's
 * added latency is measured on one clock, and every frame is counted at both ends. A frame counts
 * when it was sent during the measured window, wherever it is received.
 */
interface Sent {
  at: number;
  counted: boolean;
}

export class LoadProbe {
  private readonly inbound = new Map<string, Sent[]>();
  private readonly outbound = new Map<string, Sent[]>();
  readonly inboundLatencyMs: number[] = [];
  readonly outboundLatencyMs: number[] = [];
  counts = { inboundSent: 0, inboundReceived: 0, outboundSent: 0, outboundReceived: 0, inboundLate: 0, outboundLate: 0 };
  recording = false;
  /** A frame slower than this through the bridge counts as late. */
  static readonly LATE_MS = 20;

  private static queue(map: Map<string, Sent[]>, key: string): Sent[] {
    let queue = map.get(key);
    if (!queue) map.set(key, (queue = []));
    return queue;
  }

  /** The carrier sent a callee frame for `call`. */
  calleeFrameSent(call: string): void {
    LoadProbe.queue(this.inbound, call).push({ at: performance.now(), counted: this.recording });
    if (this.recording) this.counts.inboundSent++;
  }

  /** The Gemini simulator received one audio chunk for `call`. */
  calleeAudioReceived(call: string): void {
    const sent = this.inbound.get(call)?.shift();
    if (!sent?.counted) return;
    const latency = performance.now() - sent.at;
    this.counts.inboundReceived++;
    this.inboundLatencyMs.push(latency);
    if (latency > LoadProbe.LATE_MS) this.counts.inboundLate++;
  }

  /** The Gemini simulator sent a 24 kHz chunk that makes `frames` Twilio frames. */
  agentAudioSent(call: string, frames: number): void {
    const queue = LoadProbe.queue(this.outbound, call);
    const at = performance.now();
    for (let i = 0; i < frames; i++) queue.push({ at, counted: this.recording });
    if (this.recording) this.counts.outboundSent += frames;
  }

  /** The carrier received one agent frame for `call`. */
  agentFrameReceived(call: string): void {
    const sent = this.outbound.get(call)?.shift();
    if (!sent?.counted) return;
    const latency = performance.now() - sent.at;
    this.counts.outboundReceived++;
    this.outboundLatencyMs.push(latency);
    if (latency > LoadProbe.LATE_MS) this.counts.outboundLate++;
  }
}
