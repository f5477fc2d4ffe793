/**
 * The life of an agent conversation, as one table. Every side effect (hang up, apologise, wait
 * for the caller's last words) happens on entering a state; anything the table does not list
 * is ignored, so a late or repeated happening cannot move the call backwards.
 *
 * - `live`: the agent and the caller talk.
 * - `ending`: the agent called `end_call`; its goodbye is playing out.
 * - `transferring`: the agent called `transfer_call`; what it says to the caller is playing out.
 * - `transferred`: the call has been handed to Twilio's `<Dial>`; only the caller's last words count.
 * - `apologising`: the agent is gone (Gemini failed); a recorded apology is playing out.
 * - `hung-up`: the hang-up has been asked of Twilio; only the caller's last words still count.
 * - `finishing`: the stream has ended; waiting (bounded) for the caller's last words.
 * - `finished`: nothing more is taken.
 */
export type ConversationState =
  'live' | 'ending' | 'transferring' | 'transferred' | 'apologising' | 'hung-up' | 'finishing' | 'finished';

export type ConversationHappening =
  | 'end-call'
  | 'end-call-cancelled'
  | 'transfer'
  | 'agent-failed'
  | 'played-out'
  | 'hang-up-deadline'
  | 'stream-ended'
  | 'last-words-in';

const TRANSITIONS: Record<ConversationState, Partial<Record<ConversationHappening, ConversationState>>> = {
  live: { 'end-call': 'ending', transfer: 'transferring', 'agent-failed': 'apologising', 'stream-ended': 'finishing' },
  ending: {
    'end-call-cancelled': 'live',
    'agent-failed': 'apologising',
    'played-out': 'hung-up',
    'hang-up-deadline': 'hung-up',
    'stream-ended': 'finishing',
  },
  // A lost agent does not stop a transfer: the caller still reaches the person.
  transferring: {
    'end-call-cancelled': 'live',
    'played-out': 'transferred',
    'hang-up-deadline': 'transferred',
    'agent-failed': 'transferred',
    'stream-ended': 'finishing',
  },
  transferred: { 'stream-ended': 'finishing' },
  apologising: { 'played-out': 'hung-up', 'hang-up-deadline': 'hung-up', 'stream-ended': 'finished' },
  'hung-up': { 'stream-ended': 'finishing' },
  finishing: { 'last-words-in': 'finished' },
  finished: {},
};

/** The state after `happening`, or undefined when the table ignores it there. */
export function nextState(state: ConversationState, happening: ConversationHappening): ConversationState | undefined {
  return TRANSITIONS[state][happening];
}

/** What each state still takes in. */
export const TAKES: Record<ConversationState, { callerAudio: boolean; agentOutput: boolean; callerWords: boolean }> = {
  live: { callerAudio: true, agentOutput: true, callerWords: true },
  ending: { callerAudio: true, agentOutput: true, callerWords: true },
  transferring: { callerAudio: true, agentOutput: true, callerWords: true },
  transferred: { callerAudio: false, agentOutput: false, callerWords: true },
  apologising: { callerAudio: false, agentOutput: false, callerWords: false },
  'hung-up': { callerAudio: true, agentOutput: false, callerWords: true },
  finishing: { callerAudio: false, agentOutput: false, callerWords: true },
  finished: { callerAudio: false, agentOutput: false, callerWords: false },
};
