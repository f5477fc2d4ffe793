import { VOICEMAIL_GREETING } from '../../../bridge-server/src/sandbox/callee-script';
import { startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

describe('the sandbox tells the truth', () => {
  let t: TestBridge;

  beforeAll(async () => {
    t = await startTestBridge();
  });

  afterAll(async () => {
    await t.close();
  });

  it('has the simulated agent say the configured greeting word for word, quotes included', async () => {
    const greeting = 'Hi, it\'s "Ava" from Bright Dental: your 10:00 check-up.';
    const placed = await t.placeCall({
      to: '+15551239001',
      mode: 'agent',
      agent: { prompt: 'You confirm appointments.', greeting },
    });
    const ended = await t.waitForEnd(placed.id, 40_000);
    expect(ended.transcript[0]).toMatchObject({ speaker: 'agent', text: greeting });
  }, 60_000);

  it('lets an answering machine play its greeting and a beep, after which the agent leaves a message and hangs up (machineDetection: continue)', async () => {
    const placed = await t.placeCall({
      to: '+15551230005',
      mode: 'agent',
      machineDetection: 'continue',
      agent: { prompt: 'You confirm appointments.', greeting: 'Hello, this is Ava.' },
    });
    const ended = await t.waitForEnd(placed.id, 40_000);
    expect(ended).toMatchObject({ status: 'completed', answeredBy: 'machine', endReason: 'agent-hangup' });
    const callee = ended.transcript.filter((e) => e.speaker === 'callee').map((e) => e.text);
    expect(callee).toEqual([VOICEMAIL_GREETING]);
    const last = ended.transcript.at(-1)!;
    expect(last.speaker).toBe('agent');
    expect(last.text).toContain('please call us back');
    expect(last.startMs).toBeGreaterThanOrEqual(ended.transcript.find((e) => e.speaker === 'callee')!.endMs);
  }, 60_000);

  it('uses transcribe-mode speaker labels in the transcript and the events', async () => {
    const placed = await t.placeCall({
      to: '+15551239002',
      mode: 'transcribe',
      connectTo: '+15559870000',
      transcribe: { labels: { callee: 'Lead', party: 'Rep' } },
    });
    const ended = await t.waitForEnd(placed.id, 40_000);
    expect(ended.labels).toEqual({ callee: 'Lead', party: 'Rep' });
    expect(new Set(ended.transcript.map((e) => `${e.speaker}:${e.label}`))).toEqual(
      new Set(['callee:Lead', 'party:Rep']),
    );
    const settings = await t.api(`/v1/calls/${placed.id}/settings`);
    expect(settings.body).toMatchObject({ mode: 'transcribe', labels: { callee: 'Lead', party: 'Rep' }, agent: null });
  }, 60_000);
});
