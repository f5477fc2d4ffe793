import {
  nextState,
  TAKES,
  type ConversationHappening,
  type ConversationState,
} from '../../../bridge-server/src/calls/conversation-state';

const STATES: ConversationState[] = ['live', 'ending', 'apologising', 'hung-up', 'finishing', 'finished'];
const HAPPENINGS: ConversationHappening[] = [
  'end-call',
  'end-call-cancelled',
  'agent-failed',
  'played-out',
  'hang-up-deadline',
  'stream-ended',
  'last-words-in',
];

function run(...happenings: ConversationHappening[]): ConversationState {
  let state: ConversationState = 'live';
  for (const happening of happenings) state = nextState(state, happening) ?? state;
  return state;
}

describe('the agent conversation state table', () => {
  it('hangs up after the goodbye has played, or at the deadline when it never finishes playing', () => {
    expect(run('end-call', 'played-out')).toBe('hung-up');
    expect(run('end-call', 'hang-up-deadline')).toBe('hung-up');
  });

  it('a cancelled end_call returns to the conversation, and a later played-out does not hang up', () => {
    expect(run('end-call', 'end-call-cancelled')).toBe('live');
    expect(run('end-call', 'end-call-cancelled', 'played-out')).toBe('live');
  });

  it('a failed agent apologises from live or ending, and the apology ends in a hang-up', () => {
    expect(run('agent-failed')).toBe('apologising');
    expect(run('end-call', 'agent-failed')).toBe('apologising');
    expect(run('agent-failed', 'played-out')).toBe('hung-up');
  });

  it('waits for the last words when the stream ends during the conversation, but not during an apology', () => {
    expect(run('stream-ended')).toBe('finishing');
    expect(run('end-call', 'played-out', 'stream-ended')).toBe('finishing');
    expect(run('agent-failed', 'stream-ended')).toBe('finished');
    expect(run('stream-ended', 'last-words-in')).toBe('finished');
  });

  it('never moves a finished conversation, and ignores every happening it does not list', () => {
    for (const happening of HAPPENINGS) expect(nextState('finished', happening)).toBeUndefined();
    expect(nextState('live', 'played-out')).toBeUndefined();
    expect(nextState('hung-up', 'agent-failed')).toBeUndefined();
    expect(nextState('finishing', 'end-call')).toBeUndefined();
  });

  it('no state can be re-entered from a later one except live from ending (a cancelled end_call)', () => {
    const order = new Map(STATES.map((state, i) => [state, i]));
    for (const from of STATES)
      for (const happening of HAPPENINGS) {
        const to = nextState(from, happening);
        if (!to || (from === 'ending' && to === 'live')) continue;
        expect(order.get(to)!).toBeGreaterThan(order.get(from)!);
      }
  });

  it('takes agent output only while the agent is talking, and the caller’s words until the end', () => {
    expect(STATES.filter((s) => TAKES[s].agentOutput)).toEqual(['live', 'ending']);
    expect(STATES.filter((s) => TAKES[s].callerWords)).toEqual(['live', 'ending', 'hung-up', 'finishing']);
    expect(STATES.filter((s) => TAKES[s].callerAudio)).toEqual(['live', 'ending', 'hung-up']);
  });
});
