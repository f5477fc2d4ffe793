/**
 * What the simulated person at the other end does. The sandbox carrier picks a script by the
 * number dialled: tests register their own, and a few numbers have fixed behaviour (documented
 * in the README) so `npm start` users can try every outcome.
 */

export type CallOutcome = 'answer' | 'busy' | 'no-answer' | 'failed';

export interface CalleeScript {
  outcome: CallOutcome;
  /** How long the phone rings before the outcome. */
  ringMs: number;
  /** Who picks up, as Twilio's AMD reports it. */
  answeredBy: 'human' | 'machine_start';
  /**
   * What the callee says, in order. In agent mode each line waits for the agent to finish its
   * turn (its audio has played and gone quiet); `bargeInAfterMs` instead starts talking that
   * long into the agent's turn.
   */
  lines: { text: string; bargeInAfterMs?: number }[];
  /** In transcribe mode: what the party at connectTo says (alternating with the callee). */
  partyLines: string[];
  /** DTMF digits pressed after answering, with when (ms after answer). */
  digits: { digit: string; atMs: number }[];
  /** Hang up this long after answering, whatever is going on (mid-sentence included). */
  hangUpAfterMs?: number;
  /** Hang up once every line is said and the agent has finished its turn after the last. */
  hangUpWhenDone: boolean;
  /** Transcribe calls: what the party at connectTo does when dialled (default: answers). */
  partyOutcome?: 'answer' | 'busy' | 'no-answer' | 'failed';
  /** A phone menu answers: it says `menu`, listens for keys (DTMF), and only `keys` gets past it. */
  ivr?: IvrMenu;
  /** Back on the line after a transfer nobody took: what the callee says then. */
  afterTransferLines?: string[];
  /** Load testing: talk without pause (quietly, below the agent's barge-in threshold). */
  continuousSpeech?: boolean;
  /**
   * An answering machine: its first line (the greeting) plays at once when it picks up, in the
   * machine's voice, followed by a beep; then it records whatever is said.
   */
  voicemail?: boolean;
}

export interface IvrMenu {
  menu: string;
  /** The key sequence that gets through (e.g. "2101#"). */
  keys: string;
  /** Said once the right keys are in; then the script's lines follow (a person). */
  connected: string;
  /** Said for a wrong key, or when the keys are not all in within 15 s; then it hangs up. */
  invalid: string;
}

export const DEMO_IVR: IvrMenu = {
  menu: 'Thank you for calling Acme. For sales, press 2, then enter the extension 1 0 1, followed by the hash key.',
  keys: '2101#',
  connected: 'Connecting you to sales. Hi, this is Alex in sales, how can I help?',
  invalid: 'Sorry, that is not a valid option. Goodbye.',
};

export const VOICEMAIL_GREETING =
  'Hi, you have reached Sam. I cannot take your call right now, so please leave a message after the tone.';

export const DEFAULT_CALLEE_LINES = ['Hi, yes, this is Sam speaking.', 'Yes, that works for me.'];
export const DEFAULT_PARTY_LINES = [
  'Hello, this is Alex from Acme Sales. Thanks for taking my call.',
  'Great, I will send over the proposal this afternoon.',
];

/** What the sandbox's person says when they are the one calling in. */
export const INBOUND_CALLER_LINES = [
  "Hi, this is Sam. I'd like to book a cleaning appointment, please.",
  'Thursday at nine works for me. Thank you!',
];

/** Someone calling one of the account's numbers (a simulated incoming call). */
export function callerScript(): CalleeScript {
  return humanScript({ ringMs: 0, lines: INBOUND_CALLER_LINES.map((text) => ({ text })) });
}

export function humanScript(overrides: Partial<CalleeScript> = {}): CalleeScript {
  return {
    outcome: 'answer',
    ringMs: 1500,
    answeredBy: 'human',
    lines: DEFAULT_CALLEE_LINES.map((text) => ({ text })),
    partyLines: DEFAULT_PARTY_LINES,
    digits: [],
    hangUpWhenDone: true,
    ...overrides,
  };
}

/** Fixed behaviour by the last four digits of the number dialled. */
export function scriptForNumber(to: string): CalleeScript {
  switch (to.slice(-4)) {
    case '0002':
      return humanScript({ outcome: 'busy', ringMs: 500 });
    case '0003':
      return humanScript({ outcome: 'no-answer' });
    case '0004':
      return humanScript({ outcome: 'failed', ringMs: 0 });
    case '0006':
      return humanScript({ ivr: DEMO_IVR, lines: [{ text: 'Sure, I can help with that. Goodbye!' }] });
    case '0005':
      return humanScript({
        answeredBy: 'machine_start',
        voicemail: true,
        lines: [{ text: VOICEMAIL_GREETING }],
        hangUpAfterMs: 40_000,
        hangUpWhenDone: false,
      });
    default:
      return humanScript();
  }
}
