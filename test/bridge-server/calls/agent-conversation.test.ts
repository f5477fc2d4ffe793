import { DEMO_SCENARIO } from '../../../bridge-server/src/sandbox/agent-scenario';
import { DEFAULT_CALLEE_LINES, humanScript } from '../../../bridge-server/src/sandbox/callee-script';
import type { SimulatedSessionRecord } from '../../../bridge-server/src/sandbox/session-record';
import { apologyFrames } from '../../../bridge-server/src/agent/apology-audio';
import type { CallResource } from '../../../bridge-server/src/shared/wire-types';
import { startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

const GREETING = 'Hi, this is Ava from Bright Dental.';

describe('agent mode: a Gemini Live voice agent on the phone (real SDK, simulated Gemini and carrier)', () => {
  let t: TestBridge;
  let nextNumber = 1000;

  beforeAll(async () => {
    t = await startTestBridge();
  });

  afterAll(async () => {
    await t.close();
  });

  /** Places an agent call whose prompt selects `scenario` and whose callee follows `script`. */
  async function converse(
    scenario: string,
    script = humanScript(),
    greeting = GREETING,
  ): Promise<{
    call: CallResource;
    sessions: SimulatedSessionRecord[];
    stream: NonNullable<ReturnType<typeof streamOf>>;
  }> {
    const to = `+1555444${nextNumber++}`;
    t.sandbox.carrier!.scripts.set(to, script);
    const prompt = `You confirm appointments. #scenario:${scenario}`;
    const placed = await t.placeCall({
      to,
      mode: 'agent',
      agent: { prompt, greeting, voice: 'Kore', language: 'en-GB' },
    });
    const call = await t.waitForEnd(placed.id, 40_000);
    const sessions = t.sandbox.gemini!.sessions.filter((s) =>
      JSON.stringify(s.setup).includes(`#scenario:${scenario}`),
    );
    const stream = streamOf(call);
    if (!stream) throw new Error('no media stream');
    return { call, sessions, stream };
  }

  function streamOf(call: CallResource) {
    return t.sandbox.carrier!.calls.get(call.twilioCallSid ?? '')?.stream;
  }

  it('greets first, holds a multi-turn conversation, and its transcript equals the script in order with no duplicates', async () => {
    t.sandbox.gemini!.scenarios.set('demo', DEMO_SCENARIO);
    const { call, stream } = await converse('demo');
    expect(call.transcript.map((e) => [e.speaker, e.text])).toEqual([
      ['agent', GREETING],
      ['callee', DEFAULT_CALLEE_LINES[0]],
      ['agent', DEMO_SCENARIO.replies[0]],
      ['callee', DEFAULT_CALLEE_LINES[1]],
      ['agent', DEMO_SCENARIO.replies[1]],
    ]);
    const starts = call.transcript.map((e) => e.startMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    for (const entry of call.transcript) expect(entry.endMs).toBeGreaterThan(entry.startMs);
    expect(new Set(call.transcript.map((e) => e.seq)).size).toBe(call.transcript.length);
    expect(stream.stats.firstAgentAudioMs).not.toBeNull();
    expect(stream.stats.firstAgentAudioMs!).toBeLessThan(100);
  });

  it('sets the session up from the call: prompt, voice, language, transcription, activity detection, compression, resumption and the end_call tool', async () => {
    const { sessions } = await converse('demo');
    const setup = sessions[0].setup as Record<string, any>;
    expect(setup.model).toBe('models/gemini-3.8-live');
    expect(setup.systemInstruction.parts[0].text).toContain('You confirm appointments.');
    expect(setup.generationConfig.responseModalities).toEqual(['AUDIO']);
    expect(setup.generationConfig.speechConfig).toEqual({
      voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } },
      languageCode: 'en-GB',
    });
    expect(setup.inputAudioTranscription).toEqual({});
    expect(setup.outputAudioTranscription).toEqual({});
    expect(setup.realtimeInputConfig.automaticActivityDetection.disabled).toBe(false);
    expect(setup.contextWindowCompression).toEqual({ slidingWindow: {} });
    expect(setup.sessionResumption).toEqual({});
    expect(setup.tools[0].functionDeclarations[0].name).toBe('end_call');
    expect(sessions[0].textTurns[0]).toContain(GREETING);
  });

  it('hangs up with agent-hangup after end_call, once the goodbye has played, answering the tool call by id', async () => {
    const { call, sessions, stream } = await converse('demo');
    expect(call.endReason).toBe('agent-hangup');
    expect(sessions[0].toolResponses).toEqual([
      {
        id: expect.stringMatching(/^fc_/),
        name: 'end_call',
        response: { output: 'The call will end once your goodbye has played.' },
      },
    ]);
    // Every frame the agent sent was played before the line was cut.
    expect(stream.stats.marksEchoed).toBeGreaterThan(0);
    expect(call.transcript[call.transcript.length - 1]).toMatchObject({
      speaker: 'agent',
      text: DEMO_SCENARIO.replies[1],
    });
  });

  it('on barge-in clears Twilio at once and keeps only the part of the agent sentence the callee heard', async () => {
    const long =
      'Let me read you the full list of our opening hours, our parking options, and the documents you should bring along on the day.';
    t.sandbox.gemini!.scenarios.set('barge-in', {
      calleeLines: ['Hello?', 'Sorry, can I stop you there?'],
      replies: [long, 'Of course, go ahead. Goodbye!'],
      endCallAfterReply: 1,
    });
    const script = humanScript({
      lines: [{ text: 'Hello?' }, { text: 'Sorry, can I stop you there?', bargeInAfterMs: 1500 }],
    });
    const { call, sessions, stream } = await converse('barge-in', script);
    expect(sessions[0].interruptedAt).toHaveLength(1);
    expect(stream.stats.clearsReceived).toBe(1);
    // The bar: clear leaves the bridge within 5 ms of interrupted arriving there...
    const inBridge = (await t.bridge.metrics.bargeInClear.get()).values.find(
      (v) => v.metricName === 'voicebridge_barge_in_clear_seconds_bucket' && v.labels.le === 0.005,
    );
    expect(inBridge?.value).toBe(1);
    // ...and end to end, Gemini's socket to Twilio's, with both loopback hops, it stays well inside 20 ms.
    expect(stream.stats.clearedAt[0] - sessions[0].interruptedAt[0]).toBeLessThan(20);
    const cut = call.transcript.find((e) => e.speaker === 'agent' && long.startsWith(e.text) && e.text !== long);
    expect(cut).toBeDefined();
    expect(cut!.text.length).toBeGreaterThan(5);
    expect(call.transcript.map((e) => e.speaker)).toEqual(['agent', 'callee', 'agent', 'callee', 'agent']);
    expect(call.transcript[3].text).toBe('Sorry, can I stop you there?');
  });

  it('resumes with the latest handle after goAway without ending the call, and the transcript stays whole', async () => {
    t.sandbox.gemini!.scenarios.set('go-away', { ...DEMO_SCENARIO, goAwayAfterTurns: 1 });
    const { call, sessions } = await converse('go-away');
    expect(sessions.length).toBe(2);
    expect(sessions[1].resumedFrom).toMatch(/^handle_/);
    expect(call.endReason).toBe('agent-hangup');
    expect(call.transcript.map((e) => e.text)).toEqual([
      GREETING,
      DEFAULT_CALLEE_LINES[0],
      DEMO_SCENARIO.replies[0],
      DEFAULT_CALLEE_LINES[1],
      DEMO_SCENARIO.replies[1],
    ]);
  });

  it('resumes after the connection drops, sending on the callee audio held during the gap', async () => {
    t.sandbox.gemini!.scenarios.set('drop', { ...DEMO_SCENARIO, dropAfterTurns: 1 });
    const { call, sessions } = await converse('drop');
    expect(sessions.length).toBe(2);
    expect(sessions[1].audioChunksReceived).toBeGreaterThan(0);
    expect(call.endReason).toBe('agent-hangup');
    expect(call.transcript.map((e) => e.speaker)).toEqual(['agent', 'callee', 'agent', 'callee', 'agent']);
  });

  it('keeps the last words when the callee hangs up mid-sentence', async () => {
    const line = 'Actually I wanted to ask about moving my appointment to next Thursday afternoon if at all possible';
    t.sandbox.gemini!.scenarios.set('hang-up', { calleeLines: [line], replies: ['Sure.'] });
    // Greeting lasts about 2.3 s; the callee starts ~0.7 s later and is cut off ~2 s into a 6 s line.
    const { call, sessions } = await converse(
      'hang-up',
      humanScript({ lines: [{ text: line }], hangUpAfterMs: 5000, hangUpWhenDone: false }),
    );
    expect(call.endReason).toBe('callee-hangup');
    expect(sessions[0].audioStreamEnded).toBe(true);
    const last = call.transcript[call.transcript.length - 1];
    expect(last.speaker).toBe('callee');
    expect(line.startsWith(last.text)).toBe(true);
    expect(last.text.length).toBeGreaterThan(10);
    expect(last.text.length).toBeLessThan(line.length);
  });

  it('apologises and ends with error when Gemini cannot be reached', async () => {
    t.sandbox.gemini!.refuseConnections = true;
    try {
      const { call, stream } = await converse('unreachable', humanScript({ lines: [], hangUpWhenDone: false }));
      expect(call.endReason).toBe('error');
      expect(stream.stats.agentFramesPlayed).toBe(apologyFrames().length);
    } finally {
      t.sandbox.gemini!.refuseConnections = false;
    }
  });

  it('keeps the transcript so far when Gemini fails mid-call, then apologises and ends with error', async () => {
    t.sandbox.gemini!.scenarios.set('fail', { ...DEMO_SCENARIO, failAfterTurns: 1 });
    const { call, stream } = await converse(
      'fail',
      humanScript({ lines: [{ text: DEFAULT_CALLEE_LINES[0] }], hangUpWhenDone: false }),
    );
    expect(call.endReason).toBe('error');
    expect(call.transcript.map((e) => e.text)).toEqual([GREETING]);
    expect(stream.stats.agentFramesPlayed).toBeGreaterThanOrEqual(apologyFrames().length);
  });
});
