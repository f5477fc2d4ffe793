import { DEMO_IVR, humanScript } from '../../../bridge-server/src/sandbox/callee-script';
import type { CallResource } from '../../../bridge-server/src/shared/wire-types';
import { startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

/** press_keys: the agent gets through a phone menu with DTMF tones played into the call. */
describe('the agent on the keypad', () => {
  let t: TestBridge;

  beforeAll(async () => {
    t = await startTestBridge();
  });

  afterAll(async () => {
    await t.close();
  });

  async function call(to: string, prompt: string) {
    const placed = await t.placeCall({ to, mode: 'agent', agent: { prompt, pressKeys: true } });
    const ended: CallResource = await t.waitForEnd(placed.id, 60_000);
    const stream = t.sandbox.carrier!.calls.get(ended.twilioCallSid ?? '')?.stream;
    return { call: ended, stream };
  }

  it('gets past the sandbox IVR number: the menu hears the right keys as tones, and a person answers', async () => {
    // +1…0006 is the sandbox's phone menu; with press_keys the simulated agent presses its keys.
    const { call: ended, stream } = await call('+15550000006', 'Call Acme and ask sales about the delivery.');
    expect(stream!.stats.keysHeard.join('')).toBe(DEMO_IVR.keys);
    expect(stream!.stats.linesSpoken).toEqual([
      `callee: ${DEMO_IVR.menu}`,
      `callee: ${DEMO_IVR.connected}`,
      'callee: Sure, I can help with that. Goodbye!',
    ]);
    const keys = ended.transcript.find((entry) => entry.kind === 'tool');
    expect(keys?.tool).toMatchObject({ name: 'press_keys', source: 'built-in', input: { keys: DEMO_IVR.keys } });
    expect(ended.transcript.map((entry) => entry.text)).toContain(
      "Hi Alex, I'm calling to confirm tomorrow's delivery.",
    );
    expect(ended.endReason).toBe('agent-hangup');
  });

  it('is refused by the menu when it presses the wrong keys', async () => {
    t.sandbox.gemini!.scenarios.set('wrong-keys', {
      calleeLines: [DEMO_IVR.menu, DEMO_IVR.invalid],
      replies: [],
      toolSteps: [{ afterLine: 0, name: 'press_keys', args: { keys: '3#' }, answer: () => '' }],
    });
    const to = '+15558880006';
    t.sandbox.carrier!.scripts.set(to, humanScript({ ivr: DEMO_IVR, lines: [] }));
    const { call: ended, stream } = await call(to, 'Call Acme. #scenario:wrong-keys');
    // A wrong first key is refused at once.
    expect(stream!.stats.keysHeard.join('')).toBe('3');
    expect(stream!.stats.linesSpoken).toEqual([`callee: ${DEMO_IVR.menu}`, `callee: ${DEMO_IVR.invalid}`]);
    expect(ended.endReason).toBe('callee-hangup');
  });
});
