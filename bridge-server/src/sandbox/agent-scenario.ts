import { DEFAULT_CALLEE_LINES, INBOUND_CALLER_LINES } from './callee-script';

/**
 * What the simulated Gemini agent does in a call. A prompt containing `#scenario:<name>` picks a
 * registered scenario (tests add their own); any other prompt gets the demo conversation.
 */
export interface AgentScenario {
  /** What the callee says, in order, as Gemini's input transcription reports it. */
  calleeLines: string[];
  /** The agent's reply after each callee line. */
  replies: string[];
  /** After this reply (index) the agent calls `end_call`. */
  endCallAfterReply?: number;
  /** After this many agent turns, the server sends `goAway` (and closes soon after). */
  goAwayAfterTurns?: number;
  /** After this many agent turns, the connection drops (resumable). */
  dropAfterTurns?: number;
  /** After this many agent turns, the connection dies with no way to resume. */
  failAfterTurns?: number;
  /** The server sends `goAway` in the middle of this reply (index), and closes when its time is up. */
  goAwayDuringReply?: number;
  /** `setupComplete` comes this late (ms of simulated time; Infinity: never). */
  setupDelayMs?: number;
  /** The callee's last words are transcribed only after the agent's reply has started. */
  lateCalleeWords?: boolean;
  /** Refuse the connection outright (Gemini unreachable). */
  refuse?: boolean;
  /** Load testing: speak without pause, in real-time 100 ms chunks, never interrupted. */
  continuousSpeech?: boolean;
  /** Tool calls the agent makes, each after a callee line (instead of that line's reply). */
  toolSteps?: ToolStep[];
  /** Back from a warm transfer nobody answered: what the agent says, and the conversation after. */
  afterTransfer?: { greeting: string; calleeLines: string[]; replies: string[]; endCallAfterReply?: number };
}

/** One tool call in a scenario. */
export interface ToolStep {
  /** After this callee line (index). */
  afterLine: number;
  name: string;
  args: Record<string, unknown>;
  /** Said while the tool runs (async families) or before calling it (blocking ones). */
  filler?: string;
  /** The agent's words once the result is in (default: it reads the result out). */
  answer?: (response: Record<string, unknown>) => string;
  /** After the answer, the agent calls `end_call`. */
  thenEndCall?: boolean;
  /** The model cancels the call this long (real ms) after making it (`toolCallCancellation`). */
  cancelAfterMs?: number;
}

export const DEMO_SCENARIO: AgentScenario = {
  calleeLines: DEFAULT_CALLEE_LINES,
  replies: [
    "Great, thanks Sam. I'm calling to confirm your appointment tomorrow at ten in the morning. Does that still work for you?",
    "Perfect, you're all set. Thanks for your time, and have a great day. Goodbye!",
  ],
  endCallAfterReply: 1,
};

/** The demo conversation of an agent answering an incoming call (a receptionist). */
export const INBOUND_SCENARIO: AgentScenario = {
  calleeLines: INBOUND_CALLER_LINES,
  replies: [
    'Of course, Sam. I can offer you Thursday at nine in the morning. Does that work for you?',
    "You're booked for Thursday at nine. Thanks for calling, and goodbye!",
  ],
  endCallAfterReply: 1,
};

export const DEFAULT_GREETING = 'Hello! This is the Voice Bridge assistant calling.';

export function scenarioName(systemInstruction: string): string | undefined {
  return /#scenario:([\w-]+)/.exec(systemInstruction)?.[1];
}

/** Splits a line into transcription fragments the way Gemini does: mid-word, with the spaces kept. */
export function fragmentsOf(text: string, pieces: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size));
  return out;
}
