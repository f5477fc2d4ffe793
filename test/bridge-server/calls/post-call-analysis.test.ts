import { agentCall, readEvents, startTestBridge, type TestBridge } from '../../support/sandbox-bridge';
import { until, WebhookReceiver } from '../../support/webhook-receiver';

const fields = {
  type: 'object',
  properties: {
    agreed: { type: 'boolean', description: 'whether the callee agreed to the time offered' },
    callerName: { type: 'string', description: 'the name the callee gave' },
    turns: { type: 'integer', description: 'how many times the callee spoke' },
  },
  required: ['agreed', 'callerName'],
};

/** Post-call analysis in a sandbox bridge: Gemini's generateContent simulated from the real transcript. */
describe('post-call analysis (sandbox bridge, real Redis)', () => {
  let t: TestBridge;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestBridge({ SANDBOX_SPEED: '8' });
    receiver = new WebhookReceiver();
    await receiver.start();
  });

  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const eventsOf = async (id: string) =>
    (await readEvents(t.prefix)).filter((e) => e.type.startsWith('call.') && e.call.id === id);

  it('announces the analysis with call.analyzed after call.ended, typed as asked and drawn from what was said', async () => {
    const placed = await t.placeCall(agentCall('+15551239001', { analysis: { summary: true, fields } }));
    const ended = await t.waitForEnd(placed.id, 40_000);
    await until(
      async () => (await eventsOf(placed.id)).some((e) => e.type === 'call.analyzed'),
      10_000,
      'call.analyzed',
    );
    const events = await eventsOf(placed.id);
    expect(events.findIndex((e) => e.type === 'call.ended')).toBeLessThan(
      events.findIndex((e) => e.type === 'call.analyzed'),
    );
    expect(ended.analysis).toBeUndefined();
    const { analysis } = events.find((e) => e.type === 'call.analyzed')!.call;
    expect(analysis).toMatchObject({ model: 'gemini-3.8-flash', summary: expect.any(String) });
    expect(typeof analysis!.fields!.agreed).toBe('boolean');
    expect(Number.isInteger(analysis!.fields!.turns)).toBe(true);
    const calleeSaid = ended.transcript.filter((e) => e.speaker === 'callee').map((e) => e.text);
    expect(calleeSaid).toContain(analysis!.fields!.callerName);
    expect(calleeSaid.some((line) => analysis!.summary!.includes(line))).toBe(true);
    const { body } = await t.api(`/v1/calls/${placed.id}`);
    expect(body.analysis).toEqual(analysis);
    expect((await t.api(`/v1/calls/${placed.id}/settings`)).body.analysis).toEqual({ summary: true, fields });
  });

  it('a waiter waits for the analysis, and delivers the calls with it', async () => {
    const placed = await t.placeCall(agentCall('+15551239002', { analysis: { summary: true } }));
    await t.api('/v1/waiters', { method: 'POST', json: { callIds: [placed.id], url: receiver.url, timeoutSec: 120 } });
    await until(() => receiver.received.some((r) => r.type === 'waiter.done'), 40_000, 'the waiter delivery');
    const delivered = JSON.parse(receiver.received.find((r) => r.type === 'waiter.done')!.body);
    expect(delivered.calls[0].analysis.summary).toEqual(expect.any(String));
  });

  it('records why when there is nothing to analyse, or Gemini fails, and holds nothing else back', async () => {
    const busy = await t.placeCall(agentCall('+15556660002', { analysis: { summary: true } }));
    await t.waitForEnd(busy.id, 20_000);
    await until(async () => (await eventsOf(busy.id)).some((e) => e.type === 'call.analyzed'), 10_000, 'call.analyzed');
    expect((await t.api(`/v1/calls/${busy.id}`)).body.analysisError).toMatch(/no transcript to analyse/);

    t.sandbox.gemini!.text.failNext = { status: 503, times: 20 };
    const talked = await t.placeCall(agentCall('+15551239003', { analysis: { fields } }));
    const ended = await t.waitForEnd(talked.id, 40_000);
    expect(ended.transcript.length).toBeGreaterThan(0);
    await until(
      async () => (await eventsOf(talked.id)).some((e) => e.type === 'call.analyzed'),
      30_000,
      'call.analyzed',
    );
    t.sandbox.gemini!.text.failNext = undefined;
    const call = (await t.api(`/v1/calls/${talked.id}`)).body;
    expect(call.analysisError).toMatch(/^gemini-3\.8-flash: .*overloaded/);
    expect(call.analysis).toBeUndefined();
    expect(call.transcript).toEqual(ended.transcript);
  });

  it('refuses an analysis that asks for nothing, or fields that are not an object schema', async () => {
    for (const analysis of [{}, { fields: { type: 'string' } }, { fields: { type: 'object', properties: {} } }]) {
      const { status, body } = await t.api('/v1/calls', {
        method: 'POST',
        json: agentCall('+15551239004', { analysis }),
      });
      expect(status).toBe(400);
      expect(body.error.details.some((d: { field: string }) => d.field.startsWith('analysis'))).toBe(true);
    }
  });
});
