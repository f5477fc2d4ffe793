import { verifyBridgeSignature as isValidSignature } from '../../../nodes/shared/webhook-signature';
import { humanScript } from '../../../bridge-server/src/sandbox/callee-script';
import { agentCall, startTestBridge, type TestBridge } from '../../support/sandbox-bridge';
import { until, WebhookReceiver } from '../../support/webhook-receiver';

describe('subscriptions and waiters (in-process bridge, real Redis)', () => {
  let t: TestBridge;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestBridge();
    receiver = new WebhookReceiver();
    await receiver.start();
  });

  afterEach(() => {
    receiver.behaviour = () => 200;
    receiver.received.length = 0;
  });

  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  function busyCall(): Promise<{ id: string }> {
    return t.placeCall(agentCall('+15556660002'));
  }

  it('creates a subscription with a generated secret, shows it without the secret, and deletes it', async () => {
    const created = await t.api('/v1/subscriptions', {
      method: 'POST',
      json: { url: receiver.url, events: ['call.ended'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^sub_/),
      url: receiver.url,
      events: ['call.ended'],
      secret: expect.stringMatching(/^whsec_/),
    });
    const shown = await t.api(`/v1/subscriptions/${created.body.id}`);
    expect(shown.body.secret).toBeUndefined();
    expect((await t.api(`/v1/subscriptions/${created.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await t.api(`/v1/subscriptions/${created.body.id}`)).status).toBe(404);
    expect((await t.api(`/v1/subscriptions/${created.body.id}`, { method: 'DELETE' })).body.error.code).toBe(
      'SUBSCRIPTION_NOT_FOUND',
    );
  });

  it('validates subscriptions: URL, event types and unknown fields', async () => {
    const bad = await t.api('/v1/subscriptions', {
      method: 'POST',
      json: { url: 'ftp://x', events: ['call.exploded'], extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.length).toBeGreaterThanOrEqual(3);
  });

  it('delivers only the subscribed event types, signed with the subscription secret', async () => {
    const { body: sub } = await t.api('/v1/subscriptions', {
      method: 'POST',
      json: { url: receiver.url, events: ['call.ended'], secret: 'my-own-secret-0123456789' },
    });
    const call = await busyCall();
    await until(
      () => receiver.received.some((r) => r.type === 'call.ended' && JSON.parse(r.body).call.id === call.id),
      10_000,
      'call.ended',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.every((r) => r.type === 'call.ended')).toBe(true);
    const delivery = receiver.received[0];
    expect(isValidSignature('my-own-secret-0123456789', delivery.body, delivery.signature)).toBe(true);
    expect(JSON.parse(delivery.body)).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      type: 'call.ended',
      createdAt: expect.any(String),
      call: { id: call.id, status: 'busy', endReason: 'busy' },
    });
    await t.api(`/v1/subscriptions/${sub.id}`, { method: 'DELETE' });
  });

  it('ends a subscription whose receiver answers 410 Gone', async () => {
    receiver.behaviour = () => 410;
    const { body: sub } = await t.api('/v1/subscriptions', {
      method: 'POST',
      json: { url: receiver.url, events: ['call.status'] },
    });
    await busyCall();
    await until(
      async () => (await t.api(`/v1/subscriptions/${sub.id}`)).status === 404,
      10_000,
      'the subscription to be removed',
    );
  });

  it('dead-letters a delivery the receiver refuses (400) and replays it on request', async () => {
    receiver.behaviour = () => 400;
    const { body: sub } = await t.api('/v1/subscriptions', {
      method: 'POST',
      json: { url: receiver.url, events: ['call.ended'] },
    });
    const call = await busyCall();
    let dead: any;
    await until(
      async () => {
        dead = (await t.api('/v1/dead-letters')).body.deadLetters.find((d: any) => d.target.id === sub.id);
        return dead !== undefined;
      },
      10_000,
      'a dead letter',
    );
    expect(dead).toMatchObject({
      reason: 'refused: HTTP 400',
      attempts: 1,
      target: { kind: 'subscription', url: receiver.url },
    });
    expect(dead.target.secret).toBeUndefined();
    receiver.behaviour = () => 200;
    expect((await t.api(`/v1/dead-letters/${encodeURIComponent(dead.id)}/replay`, { method: 'POST' })).status).toBe(
      202,
    );
    await until(
      () => receiver.received.some((r) => JSON.parse(r.body).call?.id === call.id),
      10_000,
      'the replayed delivery',
    );
    expect((await t.api('/v1/dead-letters/nope/replay', { method: 'POST' })).status).toBe(404);
    await t.api(`/v1/subscriptions/${sub.id}`, { method: 'DELETE' });
  });

  it('waiter: delivers at once when every call has already ended', async () => {
    const a = await busyCall();
    const b = await busyCall();
    await t.waitForEnd(a.id);
    await t.waitForEnd(b.id);
    const { status, body } = await t.api('/v1/waiters', {
      method: 'POST',
      json: { callIds: [a.id, b.id], url: receiver.url },
    });
    expect(status).toBe(201);
    expect(body.secret).toMatch(/^whsec_/);
    await until(() => receiver.received.length === 1, 10_000, 'the waiter delivery');
    const delivered = JSON.parse(receiver.received[0].body);
    expect(delivered).toMatchObject({ type: 'waiter.done', waiterId: body.id, timedOut: false });
    expect(delivered.calls.map((c: any) => c.id)).toEqual([a.id, b.id]);
    expect(isValidSignature(body.secret, receiver.received[0].body, receiver.received[0].signature)).toBe(true);
  });

  it('waiter: sends one delivery when the last of its calls ends after registration, with full transcripts', async () => {
    t.sandbox.carrier!.scripts.set('+15556661001', humanScript());
    const talk = await t.placeCall(agentCall('+15556661001'));
    const busy = await busyCall();
    const { body: waiter } = await t.api('/v1/waiters', {
      method: 'POST',
      json: { callIds: [talk.id, busy.id], url: receiver.url, timeoutSec: 120 },
    });
    await t.waitForEnd(talk.id, 40_000);
    await until(() => receiver.received.length >= 1, 10_000, 'the waiter delivery');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received).toHaveLength(1);
    const delivered = JSON.parse(receiver.received[0].body);
    expect(delivered).toMatchObject({ waiterId: waiter.id, timedOut: false });
    expect(delivered.calls[0]).toMatchObject({ id: talk.id, status: 'completed', endReason: 'agent-hangup' });
    expect(delivered.calls[0].transcript).toHaveLength(5);
  });

  it('waiter: at the timeout delivers timedOut: true with each call as it stands', async () => {
    t.sandbox.carrier!.scripts.set('+15556661002', humanScript({ ringMs: 60_000 }));
    const ringing = await t.placeCall(agentCall('+15556661002'));
    const { body: waiter } = await t.api('/v1/waiters', {
      method: 'POST',
      json: { callIds: [ringing.id], url: receiver.url, timeoutSec: 1 },
    });
    await until(() => receiver.received.length === 1, 10_000, 'the timed-out delivery');
    const delivered = JSON.parse(receiver.received[0].body);
    expect(delivered).toMatchObject({
      waiterId: waiter.id,
      timedOut: true,
      calls: [{ id: ringing.id, status: 'ringing', endReason: null }],
    });
    await t.api(`/v1/calls/${ringing.id}/hangup`, { method: 'POST' });
  });

  it('waiter: retries a 409 (n8n still saving the execution) until it is accepted', async () => {
    receiver.behaviour = (_delivery, attempt) => (attempt < 3 ? 409 : 200);
    const call = await busyCall();
    await t.waitForEnd(call.id);
    await t.api('/v1/waiters', { method: 'POST', json: { callIds: [call.id], url: receiver.url } });
    await until(() => receiver.received.length === 1, 15_000, 'the delivery after two 409s');
    expect(JSON.parse(receiver.received[0].body).type).toBe('waiter.done');
  });

  it('waiter: refuses unknown call ids and bad fields', async () => {
    const unknown = await t.api('/v1/waiters', {
      method: 'POST',
      json: { callIds: ['call_missing'], url: receiver.url },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('CALL_NOT_FOUND');
    const bad = await t.api('/v1/waiters', { method: 'POST', json: { callIds: [], url: 'nope', timeoutSec: 0 } });
    expect(bad.status).toBe(400);
  });
});
