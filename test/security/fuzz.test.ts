import fc from 'fast-check';
import WebSocket from 'ws';
import { humanScript } from '../../bridge-server/src/sandbox/callee-script';
import { signTwilioRequest } from '../../bridge-server/src/twilio/twilio-signature';
import { rawRequest } from '../support/raw-http';
import { agentCall, startTestBridge, type TestBridge } from '../support/sandbox-bridge';

const KEY = 'fuzz-key-0123456789abcdef';
const SEED = 20261202;
const REST_RUNS = 7000;
const MEDIA_RUNS = 3000;

const segment = fc.oneof(
  fc.constantFrom(
    'v1',
    'calls',
    'subscriptions',
    'waiters',
    'dead-letters',
    'live',
    'hangup',
    'replay',
    'twilio',
    'status',
    'amd',
    'media',
    'healthz',
    'readyz',
    'metrics',
    'dashboard.js',
  ),
  fc.constantFrom(
    'call_000000000000000000000000',
    'sub_000000000000000000000000',
    '%76%31',
    '%2F',
    '%2e%2e',
    '..',
    '.',
    '',
    '%00',
    '%E0%A4%A',
    '%ZZ',
    ';',
    '*',
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.string({ unit: 'binary-ascii', maxLength: 8 }).map((s) => s.replace(/[\s\r\n]/g, '')),
);
const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`);
const query = fc.option(
  fc
    .dictionary(fc.constantFrom('status', 'limit', 'callId', 'x', 'q'), fc.string({ maxLength: 10 }))
    .map((q) => `?${new URLSearchParams(q)}`),
  { nil: '' },
);
const body = fc.oneof(
  fc.json({ maxDepth: 6 }),
  fc
    .jsonValue({ maxDepth: 4 })
    .map((value) => JSON.stringify({ to: '+15551230000', mode: 'agent', agent: { prompt: 'p' }, metadata: value })),
  fc
    .record(
      {
        url: fc.webUrl(),
        events: fc.array(fc.string(), { maxLength: 3 }),
        callIds: fc.array(fc.string(), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constant(''),
);
const contentType = fc.option(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/x-www-form-urlencoded',
    'text/plain',
    'multipart/form-data',
    'application/xml',
  ),
  { nil: undefined },
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
  target: fc.oneof(
    { weight: 9, arbitrary: fc.tuple(path, query).map(([p, q]) => p + q) },
    { weight: 1, arbitrary: path.map((p) => `http://x${p}`) },
  ),
  authorized: fc.boolean(),
  contentType,
  body,
  extraHeader: fc.option(
    fc.tuple(
      fc.constantFrom('Idempotency-Key', 'X-Twilio-Signature', 'Last-Event-ID', 'Transfer-Encoding', 'Accept'),
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
    ),
    { nil: undefined },
  ),
});

const mediaMessage = fc.oneof(
  fc
    .record(
      {
        event: fc.constantFrom('connected', 'start', 'media', 'mark', 'dtmf', 'stop', 'clear', 'teleport'),
        streamSid: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        media: fc.option(
          fc.record(
            {
              track: fc.constantFrom('inbound', 'outbound', 'x'),
              timestamp: fc.oneof(fc.string(), fc.integer()),
              payload: fc.oneof(fc.base64String({ maxLength: 400 }), fc.string()),
            },
            { requiredKeys: [] },
          ),
          { nil: undefined },
        ),
        start: fc.option(
          fc.record(
            {
              streamSid: fc.string(),
              callSid: fc.string(),
              customParameters: fc.dictionary(fc.constantFrom('callId', 'streamToken'), fc.string()),
            },
            { requiredKeys: [] },
          ),
          { nil: undefined },
        ),
        mark: fc.option(fc.record({ name: fc.string() }), { nil: undefined }),
        dtmf: fc.option(fc.record({ digit: fc.string() }), { nil: undefined }),
      },
      { requiredKeys: ['event'] },
    )
    .map((m) => JSON.stringify(m)),
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 300 }),
);

describe('fuzzing the REST API and the media socket (seeded, bounded)', () => {
  let t: TestBridge;

  beforeAll(async () => {
    t = await startTestBridge({ BRIDGE_API_KEY: KEY, SANDBOX_SPEED: '2' });
  });

  afterAll(async () => {
    await t.close();
  });

  it(`answers ${REST_RUNS} generated requests and ${MEDIA_RUNS} media messages with no 5xx, while a control call goes on undisturbed`, async () => {
    t.sandbox.carrier!.scripts.set('+15559990000', humanScript());
    const control = await t.placeCall(agentCall('+15559990000'));

    const requests = fc.sample(request, { numRuns: REST_RUNS, seed: SEED });
    const failures: string[] = [];
    for (let at = 0; at < requests.length; at += 25) {
      await Promise.all(
        requests.slice(at, at + 25).map(async (r) => {
          const headers = [`${r.method} ${r.target} HTTP/1.1`, 'Host: x', 'Connection: close'];
          if (r.authorized) headers.push(`Authorization: Bearer ${KEY}`);
          if (r.contentType) headers.push(`Content-Type: ${r.contentType}`);
          if (r.extraHeader) headers.push(`${r.extraHeader[0]}: ${r.extraHeader[1].replace(/[\r\n]/g, '')}`);
          headers.push(`Content-Length: ${Buffer.byteLength(r.body)}`);
          const response = await rawRequest(t.url, `${headers.join('\r\n')}\r\n\r\n${r.body}`, 1000).catch(
            (error: Error) => ({ status: -1, body: error.message, raw: '', headers: {} as Record<string, string> }),
          );
          if (response.status >= 500 || response.status === -1)
            failures.push(`${response.status} for ${JSON.stringify(r).slice(0, 400)}: ${response.body.slice(0, 200)}`);
          else if (response.status >= 400 && r.method !== 'HEAD') {
            let code: unknown;
            try {
              code = JSON.parse(response.body).error?.code;
            } catch {
              code = undefined;
            }
            if (typeof code !== 'string')
              failures.push(
                `${response.status} without the error shape for ${JSON.stringify(r).slice(0, 300)}: ${response.raw.slice(0, 300)}`,
              );
          }
        }),
      );
    }
    expect(failures).toEqual([]);

    const url = `${t.url.replace('http', 'ws')}/twilio/media`;
    const open = async () => {
      const ws = new WebSocket(url, {
        headers: { 'X-Twilio-Signature': signTwilioRequest(t.sandbox.carrier!.authToken, url, {}) },
      });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      return ws;
    };
    let ws = await open();
    for (const message of fc.sample(mediaMessage, { numRuns: MEDIA_RUNS, seed: SEED })) {
      if (ws.readyState !== WebSocket.OPEN) ws = await open();
      ws.send(message);
      await new Promise((resolve) => setImmediate(resolve));
    }
    ws.close();

    expect((await t.api('/healthz')).status).toBe(200);
    const ended = await t.waitForEnd(control.id, 60_000);
    expect(ended).toMatchObject({ status: 'completed', endReason: 'agent-hangup' });
    expect(ended.transcript.map((e) => e.speaker)).toEqual(['agent', 'callee', 'agent', 'callee', 'agent']);
  }, 180_000);
});
