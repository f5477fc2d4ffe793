import { createBridge } from '../../../bridge-server/src/bridge';
import { POLITE_REFUSAL } from '../../../bridge-server/src/calls/inbound-handling';
import { loadConfig } from '../../../bridge-server/src/config/load-config';
import { startSandbox } from '../../../bridge-server/src/sandbox/start';
import { silentLogger } from '../../../bridge-server/src/shared/logger';
import type { CallResource, IncomingCallRequest } from '../../../bridge-server/src/shared/wire-types';
import { signTwilioRequest } from '../../../bridge-server/src/twilio/twilio-signature';
import { verifyBridgeSignature } from '../../../nodes/shared/webhook-signature';
import { jsonEndpoint, type JsonEndpoint } from '../../support/json-endpoint';
import { readEvents, startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

const SECRET = 'inbound-route-secret-0123';
const RECEPTIONIST = '+15005550006';
const SLOW_LINE = '+15005550007';
const SALES_LINE = '+15005550008';
const UNROUTED = '+15005550099';
const CALL_MS = 60_000;

/** Incoming calls, as the sandbox carrier rings them: Twilio's signed voice webhook, then the TwiML. */
describe('inbound calls', () => {
  let t: TestBridge;
  const endpoints: JsonEndpoint[] = [];

  beforeAll(async () => {
    t = await startTestBridge({ INBOUND_ROUTE_TIMEOUT_SEC: '1' });
  });

  afterAll(async () => {
    await Promise.all(endpoints.map((endpoint) => endpoint.close()));
    await t.close();
  });

  async function route(id: string, numbers: string[], reply: (request: IncomingCallRequest) => unknown, delayMs = 0) {
    const endpoint = await jsonEndpoint(reply, delayMs);
    endpoints.push(endpoint);
    const registered = await t.api(`/v1/inbound-routes/${id}`, {
      method: 'PUT',
      json: {
        url: endpoint.url,
        numbers,
        secret: SECRET,
        fallback: { action: 'agent', agent: { prompt: 'You are the fallback receptionist.' } },
      },
    });
    expect(registered.status).toBe(200);
    return endpoint;
  }

  async function ringIn(from: string, to: string, callerName?: string) {
    const rang = await t.api('/v1/sandbox/incoming', { method: 'POST', json: { from, to, callerName } });
    expect(rang.status).toBe(201);
    return { call: rang.body as CallResource };
  }

  it(
    "answers an incoming call with the prompt its route returned, per caller and with the caller's history, as an inbound call in transcript and events",
    async () => {
      const endpoint = await route('receptionist', [RECEPTIONIST], (request) => ({
        action: 'agent',
        agent: {
          prompt: `You are the receptionist. The caller ${request.from} has called ${request.history.calls} time(s) before.`,
          greeting: request.history.calls > 0 ? 'Welcome back to Bright Dental!' : 'Thanks for calling Bright Dental!',
        },
        metadata: { crmContact: `crm-${request.from.slice(-4)}` },
      }));
      const caller = '+15550107001';
      const first = await ringIn(caller, RECEPTIONIST, 'Sam Lee');
      expect(first.call).toMatchObject({ direction: 'inbound', from: caller, to: RECEPTIONIST, callerName: 'Sam Lee' });
      const ended = await t.waitForEnd(first.call.id, CALL_MS);
      expect(ended).toMatchObject({ direction: 'inbound', status: 'completed', metadata: { crmContact: 'crm-7001' } });
      expect(ended.transcript.map((entry) => entry.text)).toEqual(
        expect.arrayContaining([
          'Thanks for calling Bright Dental!',
          expect.stringContaining('book a cleaning'),
          expect.stringContaining('booked for Thursday at nine'),
        ]),
      );
      const settings = await t.api(`/v1/calls/${first.call.id}/settings`);
      expect(settings.body.agent.prompt).toBe(
        `You are the receptionist. The caller ${caller} has called 0 time(s) before.`,
      );

      const asked = endpoint.requests[0];
      expect(verifyBridgeSignature(SECRET, asked.body, asked.headers['x-voice-bridge-signature'] as string)).toBe(true);
      expect(JSON.parse(asked.body)).toMatchObject({ callId: first.call.id, from: caller, callerName: 'Sam Lee' });
      const events = (await readEvents(t.prefix)).filter((event) => event.call.id === first.call.id);
      expect(events.map((event) => event.type)).toEqual(
        expect.arrayContaining(['call.status', 'call.transcript', 'call.ended']),
      );
      expect(events.every((event) => event.call.direction === 'inbound')).toBe(true);

      const second = await ringIn(caller, RECEPTIONIST);
      const history = (JSON.parse(endpoint.requests[1].body) as IncomingCallRequest).history;
      expect(history).toMatchObject({ calls: 1, lastCallAt: ended.createdAt, lastEndReason: ended.endReason });
      expect(history.lastSummary).toContain('book a cleaning');
      const again = await t.waitForEnd(second.call.id, CALL_MS);
      expect(again.transcript[0].text).toBe('Welcome back to Bright Dental!');
    },
    2 * CALL_MS + 10_000,
  );

  it(
    "uses the route's fallback within the deadline when the route is too slow, and says how long the caller waited",
    async () => {
      await route('slow-line', [SLOW_LINE], () => ({ action: 'agent', agent: { prompt: 'Too late.' } }), 5000);
      const { call } = await ringIn('+15550107002', SLOW_LINE);
      // The bridge's own measure: from Twilio's webhook arriving to its TwiML answer.
      const metrics = (await t.api('/metrics')).body as string;
      const sum = /voicebridge_inbound_routing_seconds_sum\{source="fallback"\} ([\d.e-]+)/.exec(metrics)?.[1];
      const answeredMs = Number(sum) * 1000;
      process.stdout.write(
        `inbound: a route that never answers in time: the fallback answered Twilio's webhook after ${Math.round(answeredMs)} ms (deadline 1000 ms)\n`,
      );
      expect(answeredMs).toBeGreaterThanOrEqual(1000);
      expect(answeredMs).toBeLessThan(2000);
      const settings = await t.api(`/v1/calls/${call.id}/settings`);
      expect(settings.body.agent.prompt).toBe('You are the fallback receptionist.');
      await t.waitForEnd(call.id, CALL_MS);
    },
    CALL_MS + 10_000,
  );

  it(
    'forwards a call when its route says so: the bridge is done with it (forwarded) and the carrier dials the number',
    async () => {
      await route('sales-line', [SALES_LINE], () => ({ action: 'forward', to: '+15551239999' }));
      const { call } = await ringIn('+15550107003', SALES_LINE);
      const ended = await t.waitForEnd(call.id, CALL_MS);
      expect(ended).toMatchObject({ status: 'completed', endReason: 'forwarded', connectTo: '+15551239999' });
      expect(t.sandbox.carrier!.calls.get(ended.twilioCallSid!)?.transfers[0]).toMatchObject({ to: '+15551239999' });
    },
    CALL_MS,
  );

  it('gives a number without a route the polite spoken refusal, never silence', async () => {
    const { call } = await ringIn('+15550107004', UNROUTED);
    const ended = await t.waitForEnd(call.id, CALL_MS);
    expect(ended).toMatchObject({ direction: 'inbound', status: 'completed', endReason: 'rejected' });
    expect(t.sandbox.carrier!.calls.get(ended.twilioCallSid!)?.said).toEqual([POLITE_REFUSAL]);
  });

  it('refuses forged and unsigned incoming-call webhooks with 403 and creates no call', async () => {
    const before = (await t.api('/v1/calls?direction=inbound&limit=200')).body.calls.length;
    const form = { CallSid: `CA${'ab'.repeat(16)}`, From: '+15550107005', To: RECEPTIONIST, CallStatus: 'ringing' };
    const url = `${t.url}/twilio/incoming`;
    const body = new URLSearchParams(form).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const unsigned = await fetch(url, { method: 'POST', headers, body });
    const forged = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'x-twilio-signature': signTwilioRequest('not-the-auth-token', url, form) },
      body,
    });
    expect([unsigned.status, forged.status]).toEqual([403, 403]);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('TWILIO_SIGNATURE_INVALID');
    expect((await t.api('/v1/calls?direction=inbound&limit=200')).body.calls.length).toBe(before);
  });

  it('lists calls by direction', async () => {
    await t.placeCall({ to: '+15551230000', mode: 'agent', agent: { prompt: 'Outbound.' } });
    const inbound = (await t.api('/v1/calls?direction=inbound&limit=200')).body.calls as CallResource[];
    const outbound = (await t.api('/v1/calls?direction=outbound&limit=200')).body.calls as CallResource[];
    expect(inbound.length).toBeGreaterThan(0);
    expect(inbound.every((call) => call.direction === 'inbound')).toBe(true);
    expect(outbound.length).toBeGreaterThan(0);
    expect(outbound.every((call) => call.direction === 'outbound')).toBe(true);
  });

  it('refuses bad routes with every problem listed, a number routed twice with 409, and an unknown route with 404', async () => {
    const bad = await t.api('/v1/inbound-routes/bad', {
      method: 'PUT',
      json: { url: 'http://169.254.169.254/latest', numbers: ['555'], fallback: { action: 'agent', agent: {} } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((detail: { field: string }) => detail.field)).toEqual(
      expect.arrayContaining(['url', 'numbers.0', 'fallback.agent.prompt']),
    );
    const twice = await t.api('/v1/inbound-routes/second-receptionist', {
      method: 'PUT',
      json: { url: 'http://127.0.0.1:9/hook', numbers: [RECEPTIONIST] },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('NUMBER_ALREADY_ROUTED');
    const listed = await t.api('/v1/inbound-routes');
    expect(listed.body.routes.map((r: { id: string }) => r.id)).toEqual(['receptionist', 'sales-line', 'slow-line']);
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);
    expect((await t.api('/v1/inbound-routes/sales-line', { method: 'DELETE' })).status).toBe(204);
    const gone = await t.api('/v1/inbound-routes/sales-line', { method: 'DELETE' });
    expect([gone.status, gone.body.error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });
});

describe('inbound calls without a route, and outside the sandbox', () => {
  it(
    'answers unrouted numbers with the agent when INBOUND_DEFAULT_PROMPT is set',
    async () => {
      const t = await startTestBridge({ INBOUND_DEFAULT_PROMPT: 'You are the after-hours line.' });
      try {
        const rang = await t.api('/v1/sandbox/incoming', { method: 'POST', json: { from: '+15550107006' } });
        const ended = await t.waitForEnd(rang.body.id, CALL_MS);
        expect(ended.transcript.some((entry) => entry.speaker === 'callee')).toBe(true);
        expect((await t.api(`/v1/calls/${ended.id}/settings`)).body.agent.prompt).toBe('You are the after-hours line.');
      } finally {
        await t.close();
      }
    },
    CALL_MS,
  );

  it.each([
    ['Redis', true],
    ['memory', false],
  ])(
    'gives a number to exactly one of many routes registered for it at the same moment (%s)',
    async (_store, redis) => {
      const t = await startTestBridge({}, { redis });
      try {
        const register = (id: string, numbers: string[]) =>
          t.api(`/v1/inbound-routes/${id}`, { method: 'PUT', json: { url: 'http://127.0.0.1:9/hook', numbers } });
        const one = await Promise.all(Array.from({ length: 10 }, (_, i) => register(`line-${i}`, ['+15005550055'])));
        const every = await Promise.all(Array.from({ length: 10 }, (_, i) => register(`all-${i}`, [])));
        for (const results of [one, every]) {
          expect(results.filter((r) => r.status === 200)).toHaveLength(1);
          expect(results.filter((r) => r.status === 409)).toHaveLength(9);
        }
        expect((await t.api('/v1/inbound-routes')).body.routes).toHaveLength(2);
      } finally {
        await t.close();
      }
    },
  );

  it('has no /v1/sandbox/incoming when the carrier is not the sandbox (404)', async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1' });
    const log = silentLogger();
    const sandbox = await startSandbox(config, log);
    const bridge = await createBridge(config, log, { ...sandbox.services, simulateIncoming: undefined });
    try {
      const url = await bridge.listen();
      const response = await fetch(`${url}/v1/sandbox/incoming`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(404);
    } finally {
      await bridge.shutdown(0);
      await sandbox.close();
    }
  });
});
