import { humanScript } from '../../../bridge-server/src/sandbox/callee-script';
import { agentCall, readEvents, startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

describe('placed calls through the real twilio SDK and the sandbox carrier', () => {
  let t: TestBridge;

  beforeAll(async () => {
    t = await startTestBridge();
  });

  afterAll(async () => {
    await t.close();
  });

  it('goes queued -> ringing -> in-progress -> completed when the callee hangs up, with the right record and events', async () => {
    t.sandbox.carrier!.scripts.set(
      '+15551110001',
      humanScript({ lines: [], hangUpAfterMs: 3000, hangUpWhenDone: false }),
    );
    const placed = await t.placeCall(agentCall('+15551110001', { metadata: { crmId: 'lead-42' } }));
    expect(placed).toMatchObject({
      status: 'queued',
      mode: 'agent',
      to: '+15551110001',
      from: '+15005550006',
      metadata: { crmId: 'lead-42' },
    });
    expect(placed.twilioCallSid).toMatch(/^CA[0-9a-f]{32}$/);
    const ended = await t.waitForEnd(placed.id);
    expect(ended).toMatchObject({ status: 'completed', endReason: 'callee-hangup' });
    expect(ended.answeredAt).not.toBeNull();
    expect(ended.endedAt).not.toBeNull();
    expect(ended.durationSec).toBeGreaterThanOrEqual(2);
    const events = (await readEvents(t.prefix)).filter((e) => e.call.id === placed.id);
    expect(events.filter((e) => e.type === 'call.status').map((e) => e.call.status)).toEqual([
      'ringing',
      'in-progress',
      'completed',
    ]);
    expect(events.filter((e) => e.type === 'call.ended')).toHaveLength(1);
    expect(events[events.length - 1].type).toBe('call.ended');
  });

  it('ends busy when the line is busy', async () => {
    const placed = await t.placeCall(agentCall('+15551230002'));
    expect(await t.waitForEnd(placed.id)).toMatchObject({
      status: 'busy',
      endReason: 'busy',
      answeredAt: null,
      durationSec: 0,
    });
  });

  it('ends no-answer when nobody picks up within the ring timeout', async () => {
    const placed = await t.placeCall(agentCall('+15551230003', { ringTimeoutSec: 5 }));
    expect(await t.waitForEnd(placed.id)).toMatchObject({ status: 'no-answer', endReason: 'no-answer' });
  });

  it('ends failed when the carrier cannot connect the call', async () => {
    const placed = await t.placeCall(agentCall('+15551230004'));
    expect(await t.waitForEnd(placed.id)).toMatchObject({ status: 'failed', endReason: 'failed' });
  });

  it('hangs up on an answering machine when machineDetection is hangup', async () => {
    const placed = await t.placeCall(agentCall('+15551230005', { machineDetection: 'hangup' }));
    expect(await t.waitForEnd(placed.id)).toMatchObject({
      status: 'completed',
      endReason: 'machine',
      answeredBy: 'machine',
    });
  });

  it('keeps talking to a machine when machineDetection is continue, and records who answered', async () => {
    t.sandbox.carrier!.scripts.set(
      '+15551110005',
      humanScript({ answeredBy: 'machine_start', lines: [], hangUpAfterMs: 3000, hangUpWhenDone: false }),
    );
    const placed = await t.placeCall(agentCall('+15551110005', { machineDetection: 'continue' }));
    expect(await t.waitForEnd(placed.id)).toMatchObject({
      status: 'completed',
      endReason: 'callee-hangup',
      answeredBy: 'machine',
    });
  });

  it('ends a call at maxDurationSec with endReason max-duration', async () => {
    t.sandbox.carrier!.scripts.set('+15551110006', humanScript({ lines: [], hangUpWhenDone: false }));
    const placed = await t.placeCall(agentCall('+15551110006', { maxDurationSec: 10 }));
    const ended = await t.waitForEnd(placed.id, 30_000);
    expect(ended).toMatchObject({ status: 'completed', endReason: 'max-duration' });
    expect(ended.durationSec).toBeGreaterThanOrEqual(9);
  });

  it('hangs up through the REST API with endReason api-hangup, and a second hang-up is harmless', async () => {
    t.sandbox.carrier!.scripts.set('+15551110007', humanScript({ lines: [], hangUpWhenDone: false }));
    const placed = await t.placeCall(agentCall('+15551110007'));
    await t.waitForCall(placed.id, (call) => call.status === 'in-progress');
    const hungUp = await t.api(`/v1/calls/${placed.id}/hangup`, { method: 'POST' });
    expect(hungUp.status).toBe(200);
    expect(await t.waitForEnd(placed.id)).toMatchObject({ status: 'completed', endReason: 'api-hangup' });
    const again = await t.api(`/v1/calls/${placed.id}/hangup`, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'completed', endReason: 'api-hangup' });
  });

  it('cancels a call that is still ringing when it is hung up', async () => {
    t.sandbox.carrier!.scripts.set('+15551110008', humanScript({ ringMs: 20_000 }));
    const placed = await t.placeCall(agentCall('+15551110008'));
    await t.waitForCall(placed.id, (call) => call.status === 'ringing');
    await t.api(`/v1/calls/${placed.id}/hangup`, { method: 'POST' });
    expect(await t.waitForEnd(placed.id)).toMatchObject({
      status: 'canceled',
      endReason: 'canceled',
      answeredAt: null,
    });
  });
});
