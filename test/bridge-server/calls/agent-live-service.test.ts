import { apologyFrames } from '../../../bridge-server/src/agent/apology-audio';
import { DEMO_SCENARIO } from '../../../bridge-server/src/sandbox/agent-scenario';
import { DEFAULT_CALLEE_LINES, humanScript } from '../../../bridge-server/src/sandbox/callee-script';
import type { CallResource } from '../../../bridge-server/src/shared/wire-types';
import { startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

const GREETING = 'Hi, this is Ava from Bright Dental.';

/**
 * Agent calls against a simulated Gemini that behaves as the real service documents: a turn in
 * flight at goAway, a set-up that never completes, input transcription out of order, digits
 * while the agent speaks, and calls nobody answers.
 */
describe('agent calls as the real Gemini Live service behaves', () => {
  let t: TestBridge;
  let nextNumber = 2000;

  beforeAll(async () => {
    t = await startTestBridge({ GEMINI_SETUP_TIMEOUT_SEC: '1' });
  });

  afterAll(async () => {
    await t.close();
  });

  async function call(scenario: string, script = humanScript(), extra: Record<string, unknown> = {}) {
    const to = `+1555333${nextNumber++}`;
    t.sandbox.carrier!.scripts.set(to, script);
    const placed = await t.placeCall({
      to,
      mode: 'agent',
      agent: { prompt: `You confirm appointments. #scenario:${scenario}`, greeting: GREETING },
      ...extra,
    });
    const ended: CallResource = await t.waitForEnd(placed.id, 40_000);
    const sessions = t.sandbox.gemini!.sessions.filter((s) =>
      JSON.stringify(s.setup).includes(`#scenario:${scenario}`),
    );
    const stream = t.sandbox.carrier!.calls.get(ended.twilioCallSid ?? '')?.stream;
    return { call: ended, sessions, stream };
  }

  it('after goAway in the middle of a turn, keeps that turn whole on the old connection and switches after it, losing no callee audio', async () => {
    t.sandbox.gemini!.scenarios.set('go-away-mid-turn', { ...DEMO_SCENARIO, goAwayDuringReply: 0 });
    const { call: ended, sessions, stream } = await call('go-away-mid-turn');
    expect(sessions).toHaveLength(2);
    expect(sessions[1].resumedFrom).toMatch(/^handle_/);
    expect(ended.endReason).toBe('agent-hangup');
    expect(ended.transcript.map((e) => e.text)).toEqual([
      GREETING,
      DEFAULT_CALLEE_LINES[0],
      DEMO_SCENARIO.replies[0],
      DEFAULT_CALLEE_LINES[1],
      DEMO_SCENARIO.replies[1],
    ]);
    const received = sessions[0].audioChunksReceived + sessions[1].audioChunksReceived;
    // Every inbound frame reaches Gemini (the transcoder's first frame may be all filter delay).
    expect(received).toBeGreaterThanOrEqual(stream!.stats.framesSent - 2);
  });

  it('fills the gaps in the callee’s media with silence, so Gemini hears the call time-true', async () => {
    t.sandbox.gemini!.scenarios.set('gaps', DEMO_SCENARIO);
    const { call: ended, sessions, stream } = await call('gaps');
    expect(ended.endReason).toBe('agent-hangup');
    expect(stream!.stats.framesLost).toBeGreaterThan(0);
    // Every frame sent, and one of silence for every frame the network lost.
    const expected = stream!.stats.framesSent + stream!.stats.framesLost;
    expect(sessions[0].audioChunksReceived).toBeGreaterThanOrEqual(expected - 4);
    expect(sessions[0].audioChunksReceived).toBeLessThanOrEqual(expected);
  });

  it('when set-up never completes, gives up at the deadline: the callee hears the apology and the call ends with error', async () => {
    t.sandbox.gemini!.scenarios.set('no-setup', { ...DEMO_SCENARIO, setupDelayMs: Infinity });
    const started = Date.now();
    const { call: ended, stream } = await call('no-setup');
    expect(ended.endReason).toBe('error');
    expect(stream!.stats.agentFramesPlayed).toBeGreaterThanOrEqual(apologyFrames().length - 2);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('joins a piece of the callee’s words that arrives after the agent began replying to the utterance it belongs to', async () => {
    t.sandbox.gemini!.scenarios.set('late-words', { ...DEMO_SCENARIO, lateCalleeWords: true });
    const { call: ended } = await call('late-words');
    expect(ended.transcript.map((e) => [e.speaker, e.text])).toEqual([
      ['agent', GREETING],
      ['callee', DEFAULT_CALLEE_LINES[0]],
      ['agent', DEMO_SCENARIO.replies[0]],
      ['callee', DEFAULT_CALLEE_LINES[1]],
      ['agent', DEMO_SCENARIO.replies[1]],
    ]);
  });

  it('a key pressed while the agent speaks reaches the model without cutting the agent off (gemini-3.8-live)', async () => {
    t.sandbox.gemini!.scenarios.set('digit', DEMO_SCENARIO);
    // The greeting takes about 2 s to say; the key is pressed in the middle of it.
    const { call: ended, sessions } = await call('digit', humanScript({ digits: [{ digit: '5', atMs: 600 }] }));
    expect(sessions[0].interruptedAt).toEqual([]);
    expect(sessions[0].textTurns).toContain('(The callee pressed 5 on their keypad.)');
    expect(ended.transcript[0]).toMatchObject({ speaker: 'agent', text: GREETING });
    expect(t.sandbox.gemini!.refusals).toEqual([]);
  });

  it.each([
    ['busy', humanScript({ outcome: 'busy', ringMs: 300 })],
    ['no-answer', humanScript({ outcome: 'no-answer', ringMs: 300 })],
  ])('a %s call asks the model for nothing: no greeting, no output audio', async (_name, script) => {
    const scenario = `unanswered-${_name}`;
    t.sandbox.gemini!.scenarios.set(scenario, DEMO_SCENARIO);
    const to = `+1555333${nextNumber++}`;
    t.sandbox.carrier!.scripts.set(to, script);
    const placed = await t.placeCall({
      to,
      mode: 'agent',
      ringTimeoutSec: 5,
      agent: { prompt: `You confirm appointments. #scenario:${scenario}`, greeting: GREETING },
    });
    await t.waitForEnd(placed.id, 40_000);
    const sessions = t.sandbox.gemini!.sessions.filter((s) =>
      JSON.stringify(s.setup).includes(`#scenario:${scenario}`),
    );
    // The session was opened while ringing (so a greeting would be quick), but never spoke.
    expect(sessions.length).toBeLessThanOrEqual(1);
    for (const session of sessions) expect(session.textTurns).toEqual([]);
  });

  it('with machine detection on, greets at the human verdict and not before', async () => {
    t.sandbox.gemini!.scenarios.set('amd-human', DEMO_SCENARIO);
    const { call: ended, sessions } = await call('amd-human', humanScript(), { machineDetection: 'continue' });
    expect(ended.answeredBy).toBe('human');
    expect(sessions[0].textTurns[0]).toContain(GREETING);
    expect(ended.transcript[0]).toMatchObject({ speaker: 'agent', text: GREETING });
  });
});
