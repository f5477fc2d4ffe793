import { humanScript } from '../../../bridge-server/src/sandbox/callee-script';
import { agentCall, startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

const KEY = 'test-key-0123456789';

describe('REST API /v1/calls', () => {
  let t: TestBridge;
  const auth = { authorization: `Bearer ${KEY}` };

  beforeAll(async () => {
    t = await startTestBridge({ BRIDGE_API_KEY: KEY });
    t.sandbox.carrier!.scripts.set('+15553330000', humanScript({ ringMs: 60_000 }));
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers 401 UNAUTHORIZED without the bearer key, or with a wrong one', async () => {
    const missing = await t.api('/v1/calls');
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('UNAUTHORIZED');
    const wrong = await t.api('/v1/calls', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('leaves health, readiness and metrics open', async () => {
    expect((await t.api('/healthz')).status).toBe(200);
    const ready = await t.api('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, store: 'ok', sandbox: true });
    expect(ready.body.modes).toContain('agent');
    const metrics = await t.api('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('voicebridge_calls_placed_total');
  });

  it('rejects malformed JSON with 400 INVALID_JSON', async () => {
    const response = await t.api('/v1/calls', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"to": ',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_JSON');
  });

  it('rejects a body that is not JSON with 415', async () => {
    const response = await t.api('/v1/calls', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'call me',
    });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('reports every invalid field at once with 400 VALIDATION_FAILED', async () => {
    const response = await t.api('/v1/calls', {
      method: 'POST',
      headers: auth,
      json: {
        to: '555-1234',
        from: '+1',
        mode: 'agent',
        agent: { prompt: '' },
        maxDurationSec: 1,
        ringTimeoutSec: 9999,
        machineDetection: 'maybe',
        colour: 'blue',
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    const fields = response.body.error.details.map((d: { field?: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['to', 'from', 'agent.prompt', 'maxDurationSec', 'ringTimeoutSec', 'machineDetection']),
    );
    expect(JSON.stringify(response.body.error.details)).toContain('colour');
  });

  it('requires connectTo in transcribe mode and refuses it in agent mode', async () => {
    const transcribe = await t.api('/v1/calls', {
      method: 'POST',
      headers: auth,
      json: { to: '+15551230000', mode: 'transcribe' },
    });
    expect(transcribe.status).toBe(400);
    expect(transcribe.body.error.details).toEqual([expect.objectContaining({ field: 'connectTo' })]);
    const agent = await t.api('/v1/calls', {
      method: 'POST',
      headers: auth,
      json: { ...agentCall(), connectTo: '+15559870000' },
    });
    expect(agent.status).toBe(400);
  });

  it('answers 404 CALL_NOT_FOUND for an unknown call, and 404 NOT_FOUND for an unknown route', async () => {
    const call = await t.api('/v1/calls/call_missing', { headers: auth });
    expect(call.status).toBe(404);
    expect(call.body.error.code).toBe('CALL_NOT_FOUND');
    const hangup = await t.api('/v1/calls/call_missing/hangup', { method: 'POST', headers: auth });
    expect(hangup.status).toBe(404);
    const route = await t.api('/v2/whatever', { headers: auth });
    expect(route.status).toBe(404);
    expect(route.body.error.code).toBe('NOT_FOUND');
  });

  it('honours Idempotency-Key: the same key returns the same call and dials once', async () => {
    const carrier = t.sandbox.carrier!;
    const before = carrier.calls.size;
    const body = agentCall('+15553330000');
    const first = await t.api('/v1/calls', {
      method: 'POST',
      headers: { ...auth, 'idempotency-key': 'exec-1-item-0' },
      json: body,
    });
    const second = await t.api('/v1/calls', {
      method: 'POST',
      headers: { ...auth, 'idempotency-key': 'exec-1-item-0' },
      json: body,
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(carrier.calls.size).toBe(before + 1);
    const reused = await t.api('/v1/calls', {
      method: 'POST',
      headers: { ...auth, 'idempotency-key': 'exec-1-item-0' },
      json: { ...body, metadata: { other: true } },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await t.api(`/v1/calls/${first.body.id}/hangup`, { method: 'POST', headers: auth });
  });

  it('places concurrent requests with one Idempotency-Key exactly once', async () => {
    const carrier = t.sandbox.carrier!;
    const before = carrier.calls.size;
    const body = agentCall('+15553330000');
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.api('/v1/calls', { method: 'POST', headers: { ...auth, 'idempotency-key': 'race-key' }, json: body }),
      ),
    );
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(carrier.calls.size).toBe(before + 1);
    await t.api(`/v1/calls/${responses[0].body.id}/hangup`, { method: 'POST', headers: auth });
  });

  it('lists recent calls newest first, filtered by active or ended, with a limit', async () => {
    const a = await t.placeCall(agentCall('+15553330000'));
    const b = await t.placeCall(agentCall('+15553330000'));
    await t.api(`/v1/calls/${a.id}/hangup`, { method: 'POST', headers: auth });
    await t.waitForEnd(a.id);
    const active = await t.api('/v1/calls?status=active', { headers: auth });
    expect(active.body.calls.map((c: { id: string }) => c.id)).toContain(b.id);
    expect(active.body.calls.map((c: { id: string }) => c.id)).not.toContain(a.id);
    const ended = await t.api('/v1/calls?status=ended&limit=1', { headers: auth });
    expect(ended.body.calls).toHaveLength(1);
    const all = await t.api('/v1/calls?limit=2', { headers: auth });
    expect(all.body.calls.map((c: { id: string }) => c.id)).toEqual([b.id, a.id]);
    const bad = await t.api('/v1/calls?status=sleeping', { headers: auth });
    expect(bad.status).toBe(400);
    await t.api(`/v1/calls/${b.id}/hangup`, { method: 'POST', headers: auth });
  });
});
