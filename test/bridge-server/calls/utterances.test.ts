import { AgentUtterance, CalleeUtterance, joinFragments } from '../../../bridge-server/src/calls/utterances';

describe('transcript assembly', () => {
  it('joins Gemini fragments that split words ("Ca" / "n I" / " pl" / "ease")', () => {
    expect(joinFragments(['Ca', 'n I', ' pl', 'ease ', ' help?'])).toBe('Can I please help?');
    expect(joinFragments(['  ', ''])).toBe('');
  });

  it('keeps the whole agent turn when it was heard to the end', () => {
    const turn = new AgentUtterance();
    turn.started(1000);
    turn.add('Hello ', 5);
    turn.add('there.', 10);
    turn.endMs = 1200;
    expect(turn.toEntry('all', 1300)).toEqual({ speaker: 'agent', text: 'Hello there.', startMs: 1000, endMs: 1200 });
  });

  it('cuts an interrupted agent turn at the audio the callee heard', () => {
    const turn = new AgentUtterance();
    turn.started(0);
    turn.add('Our opening hours ', 5);
    turn.add('are nine ', 10);
    turn.add('to five.', 15);
    expect(turn.toEntry(10, 300)?.text).toBe('Our opening hours are nine');
    expect(turn.toEntry(4, 300)).toBeUndefined();
  });

  it('times a callee utterance from the onset of speech to the last voiced frame', () => {
    const said = new CalleeUtterance();
    said.add('Yes, ', 2000, 2600);
    said.add('please.', 2000, 3100);
    expect(said.toEntry(2900)).toEqual({ speaker: 'callee', text: 'Yes, please.', startMs: 2000, endMs: 2900 });
  });
});
