/**
 * What the simulators report about each frame when someone is measuring (the load test): the
 * carrier and the Gemini simulator note when they send a frame and when the other side's
 * arrives, keyed by call, so the bridge's added delay is timed on one clock. Nothing is reported
 * when no telemetry is given.
 */
export interface FrameTelemetry {
  calleeFrameSent(key: string): void;
  calleeAudioReceived(key: string): void;
  agentAudioSent(key: string, frames: number): void;
  agentFrameReceived(key: string): void;
}
