import { rawGet, rawRequest } from '../support/raw-http';
import { agentCall, startTestBridge, type TestBridge } from '../support/sandbox-bridge';

const KEY = 'security-test-key-0123456789';
const auth = { authorization: `Bearer ${KEY}` };

function post(
  url: string,
  target: string,
  body: string,
  headers: Record<string, string>,
): ReturnType<typeof rawRequest> {
  const lines = [
    `POST ${target} HTTP/1.1`,
    'Host: x',
    'Connection: close',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return rawRequest(url, `${lines.join('\r\n')}\r\n\r\n${body}`);
}

function errorCode(response: { body: string }): string {
  return JSON.parse(response.body).error.code;
}

describe('HTTP input the API must refuse cleanly', () => {
  let t: TestBridge;

  beforeAll(async () => {
    t = await startTestBridge({ BRIDGE_API_KEY: KEY });
  });

  afterAll(async () => {
    await t.close();
  });

  describe('only JSON on /v1', () => {
    it('refuses a form-encoded call request with 415, so a cross-site form cannot place a call', async () => {
      const response = await post(t.url, '/v1/calls', 'to=%2B15551230000&mode=agent', {
        ...auth,
        'Content-Type': 'application/x-www-form-urlencoded',
      });
      expect(response.status).toBe(415);
      expect(errorCode(response)).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it.each([
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      'application/x-json',
      'application/json-patch+json',
    ])('refuses Content-Type %s with 415', async (type) => {
      const response = await post(t.url, '/v1/calls', JSON.stringify(agentCall()), { ...auth, 'Content-Type': type });
      expect(response.status).toBe(415);
    });

    it('refuses a body with no Content-Type at all with 415, not a field-by-field error', async () => {
      const response = await post(t.url, '/v1/calls', JSON.stringify(agentCall()), auth);
      expect(response.status).toBe(415);
      expect(errorCode(response)).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('accepts application/json with and without charset=utf-8', async () => {
      for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON; Charset="UTF-8"']) {
        const response = await post(t.url, '/v1/calls', JSON.stringify(agentCall('+15551230002')), {
          ...auth,
          'Content-Type': type,
        });
        expect({ type, status: response.status }).toEqual({ type, status: 201 });
      }
    });

    it('still parses Twilio form callbacks in the /twilio scope (the signature decides)', async () => {
      const response = await post(t.url, '/twilio/status?callId=call_000000000000000000000000', 'CallStatus=ringing', {
        'Content-Type': 'application/x-www-form-urlencoded',
      });
      expect(response.status).toBe(403);
      expect(errorCode(response)).toBe('TWILIO_SIGNATURE_INVALID');
    });
  });

  describe('bad input is a 4xx with the documented error shape, never a 500', () => {
    it('refuses metadata nested deeper than the limit with 400 (it would break JSON.stringify)', async () => {
      const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
      const body = `{"to":"+15551230000","mode":"agent","agent":{"prompt":"p"},"metadata":${deep}}`;
      const response = await post(t.url, '/v1/calls', body, { ...auth, 'Content-Type': 'application/json' });
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('VALIDATION_FAILED');
      const arrays = await post(t.url, '/v1/subscriptions', `${'['.repeat(200_000)}${']'.repeat(200_000)}`, {
        ...auth,
        'Content-Type': 'application/json',
      });
      expect(arrays.status).toBe(400);
    });

    it.each([
      'call_nope',
      'call_000000000000000000000000:transcript',
      'call:x',
      '..%2F..%2Fcalls',
      `call_${'0'.repeat(23)}g`,
    ])('answers GET /v1/calls/%s with 404 CALL_NOT_FOUND', async (id) => {
      const response = await rawGet(t.url, `/v1/calls/${id}`, auth);
      expect(response.status).toBe(404);
      expect(errorCode(response)).toBe('CALL_NOT_FOUND');
    });

    it('answers a waiter for ids that are not call ids with 404 CALL_NOT_FOUND, not a store error', async () => {
      const placed = await t.placeCall(agentCall('+15551230003'));
      const body = JSON.stringify({
        callIds: [`call:${placed.id}`, `${placed.id}:transcript`],
        url: 'http://127.0.0.1:9/hook',
      });
      const response = await post(t.url, '/v1/waiters', body, { ...auth, 'Content-Type': 'application/json' });
      expect(response.status).toBe(404);
      expect(errorCode(response)).toBe('CALL_NOT_FOUND');
    });

    it.each(['/v1/subscriptions/x', '/v1/waiters/wtr_1', '/v1/dead-letters/evt_1:w_wtr_1/replay'])(
      'answers %s with the matching 404',
      async (path) => {
        const response = await rawRequest(
          t.url,
          `${path.endsWith('replay') ? 'POST' : 'GET'} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${KEY}\r\nContent-Length: 0\r\n\r\n`,
        );
        expect(response.status).toBe(404);
        expect(errorCode(response)).toMatch(/_NOT_FOUND$/);
      },
    );

    it('refuses absolute-form targets on /twilio with 400', async () => {
      const response = await post(
        t.url,
        'http://x/twilio/status?callId=call_000000000000000000000000',
        'CallStatus=ringing',
        { 'Content-Type': 'application/x-www-form-urlencoded' },
      );
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('BAD_REQUEST_TARGET');
    });

    it('answers bad percent-encoding with 400 BAD_REQUEST_TARGET', async () => {
      const response = await rawGet(t.url, '/v1/calls/%E0%A4%A', auth);
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('BAD_REQUEST_TARGET');
    });

    it('answers an over-long URL with 414 and over-large headers with 431, in the error shape', async () => {
      const longParam = await rawGet(t.url, `/v1/calls/${'a'.repeat(300)}`, auth);
      expect(longParam.status).toBe(414);
      expect(errorCode(longParam)).toBe('URI_TOO_LONG');
      const longQuery = await rawGet(t.url, `/v1/calls?x=${'a'.repeat(9000)}`, auth);
      expect(longQuery.status).toBe(414);
      const headers = await rawGet(t.url, '/v1/calls', { ...auth, 'X-Big': 'b'.repeat(20_000) });
      expect(headers.status).toBe(431);
      expect(errorCode(headers)).toBe('HEADERS_TOO_LARGE');
    });

    it('answers bytes that are not HTTP with 400 MALFORMED_REQUEST', async () => {
      const response = await rawRequest(t.url, 'HELLO\r\n\r\n');
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('MALFORMED_REQUEST');
    });
  });

  describe('the dashboard page', () => {
    it('is served with a CSP that allows no inline script, no framing, nosniff and no referrer', async () => {
      for (const path of ['/', '/dashboard.js', '/dashboard.css']) {
        const response = await fetch(`${t.url}${path}`);
        const csp = response.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).toContain("frame-ancestors 'none'");
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      }
      const html = await (await fetch(`${t.url}/`)).text();
      expect(html).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|style=/i);
    });
  });
});
