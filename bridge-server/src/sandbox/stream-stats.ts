import type { SimulatedCaller } from './simulated-caller';

/** What the simulated phone heard and did, for tests and the load test. */
export interface StreamStats {
  framesSent: number;
  /** Frames the media network lost in gaps (never sent). */
  framesLost: number;
  agentFramesPlayed: number;
  marksEchoed: number;
  clearsReceived: number;
  /** performance.now() of each `clear` received. */
  clearedAt: number[];
  /** From `start` to the first agent audio frame arriving, in real ms. */
  firstAgentAudioMs: number | null;
  linesSpoken: string[];
  /** The keys a phone menu on the line heard (DTMF detected in the played audio). */
  keysHeard: string[];
  rejectedMessages: number;
  /** When (stream ms) each agent frame played: silent gaps at the callee show between them. */
  agentPlayedAtMs: number[];
}

export function newStreamStats(caller: SimulatedCaller): StreamStats {
  return {
    framesSent: 0,
    framesLost: 0,
    agentFramesPlayed: 0,
    marksEchoed: 0,
    clearsReceived: 0,
    clearedAt: [],
    firstAgentAudioMs: null,
    linesSpoken: caller.linesSpoken,
    keysHeard: caller.keysHeard,
    rejectedMessages: 0,
    agentPlayedAtMs: [],
  };
}
