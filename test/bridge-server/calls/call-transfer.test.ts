import { DEMO_SCENARIO } from '../../../bridge-server/src/sandbox/agent-scenario';
import { humanScript } from '../../../bridge-server/src/sandbox/callee-script';
import type { CallResource } from '../../../bridge-server/src/shared/wire-types';
import { startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

const GREETING = 'Hi, this is Ava from Bright Dental.';
const ASK = 'Hi, could I speak to someone in billing please?';
const ANNOUNCE = "Of course, I'm connecting you to billing now, please hold.";
const SUMMARY = 'Sam is calling about a double charge on his last invoice.';
const BACK = "I'm sorry, nobody in billing picked up. Can I help you with anything else?";

/** Cold and warm transfers, through the sandbox carrier's live-call redirects and <Dial><Number url>. */
describe('transferring a call to a person', () => {
  let t: TestBridge;
  let nextNumber = 5000;

  beforeAll(async () => {
    t = await startTestBridge();
    t.sandbox.gemini!.scenarios.set('transfer', {
      ...DEMO_SCENARIO,
      calleeLines: [ASK],
      replies: [],
      toolSteps: [
        { afterLine: 0, name: 'transfer_call', args: { summary: SUMMARY }, filler: ANNOUNCE, answer: () => '' },
      ],
      afterTransfer: {
        greeting: BACK,
        calleeLines: ["No, that's all, thanks."],
        replies: ['Alright, goodbye!'],
        endCallAfterReply: 0,
      },
    });
  });

  afterAll(async () => {
    await t.close();
  });

  async function call(transfer: Record<string, unknown>, person: ReturnType<typeof humanScript>) {
    const to = `+1555666${nextNumber++}`;
    const target = `+1555777${nextNumber++}`;
    t.sandbox.carrier!.scripts.set(
      to,
      humanScript({ lines: [{ text: ASK }], afterTransferLines: ["No, that's all, thanks."] }),
    );
    t.sandbox.carrier!.scripts.set(target, person);
    const placed = await t.placeCall({
      to,
      mode: 'agent',
      ringTimeoutSec: 5,
      agent: {
        prompt: 'You answer for Bright Dental. #scenario:transfer',
        greeting: GREETING,
        transfer: { to: target, ...transfer },
      },
    });
    const ended: CallResource = await t.waitForEnd(placed.id, 60_000);
    const simulated = t.sandbox.carrier!.calls.get(ended.twilioCallSid ?? '')!;
    return { call: ended, target, simulated };
  }

  it('cold: the agent announces it, the live call is redirected to <Dial>, and the call ends for the bridge as transferred with what was said', async () => {
    const { call: ended, target, simulated } = await call({}, humanScript({ ringMs: 500 }));
    expect(ended.endReason).toBe('transferred');
    expect(ended.transfer).toEqual({ to: target, mode: 'cold', outcome: 'connected' });
    expect(simulated.transfers).toEqual([{ to: target, outcome: 'connected' }]);
    const spoken = ended.transcript.filter((entry) => entry.kind !== 'tool').map((entry) => entry.text);
    expect(spoken).toEqual([GREETING, ASK, ANNOUNCE]);
    expect(ended.transcript.find((entry) => entry.kind === 'tool')?.tool).toMatchObject({
      name: 'transfer_call',
      source: 'built-in',
    });
  });

  it('warm: the person hears the agent’s summary before being connected', async () => {
    const { call: ended, target, simulated } = await call({ mode: 'warm' }, humanScript({ ringMs: 500 }));
    expect(ended.endReason).toBe('transferred');
    expect(ended.transfer).toEqual({ to: target, mode: 'warm', outcome: 'connected', summary: SUMMARY });
    expect(simulated.transfers).toEqual([{ to: target, outcome: 'connected', whisper: SUMMARY }]);
  });

  it('warm, nobody answers: the caller is back with the agent, who says so, and the transcript goes on in order', async () => {
    const { call: ended, target, simulated } = await call({ mode: 'warm' }, humanScript({ outcome: 'no-answer' }));
    expect(simulated.transfers).toEqual([{ to: target, outcome: 'no-answer' }]);
    expect(ended.transfer).toMatchObject({ to: target, mode: 'warm', outcome: 'no-answer' });
    expect(ended.endReason).toBe('agent-hangup');
    const spoken = ended.transcript.filter((entry) => entry.kind !== 'tool').map((entry) => entry.text);
    expect(spoken).toEqual([GREETING, ASK, ANNOUNCE, BACK, "No, that's all, thanks.", 'Alright, goodbye!']);
    const starts = ended.transcript.map((entry) => entry.startMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });
});
