import { rawGet, rawRequest } from '../support/raw-http';
import { listRoutes } from '../support/route-list';
import { agentCall, startTestBridge, type TestBridge } from '../support/sandbox-bridge';

const KEY = 'security-test-key-0123456789';

/** Ways to spell /v1/<route> that a router may decode or normalise differently from a prefix check. */
const SPELLINGS: ((route: string) => string)[] = [
  (r) => `/v1/${r}`,
  (r) => `/%761/${r}`,
  (r) => `/v%31/${r}`,
  (r) => `/%76%31/${r}`,
  (r) => `/v1/%${r.charCodeAt(0).toString(16)}${r.slice(1)}`,
  (r) => `/v1%2F${r}`,
  (r) => `/v1%2f${r}`,
  (r) => `//v1/${r}`,
  (r) => `/v1//${r}`,
  (r) => `///v1/${r}`,
  (r) => `/./v1/${r}`,
  (r) => `/v1/./${r}`,
  (r) => `/x/../v1/${r}`,
  (r) => `/v1/${r}/../${r}`,
  (r) => `/%2E/v1/${r}`,
  (r) => `/V1/${r}`,
  (r) => `/v1/${r.toUpperCase()}`,
  (r) => `/v1/${r}/`,
  (r) => `/v1/${r}?`,
  (r) => `/v1/${r}?x=1`,
  (r) => `/v1/${r}#frag`,
  (r) => `/v1/${r}%23frag`,
  (r) => `/v1/${r}%3Fx=1`,
  (r) => `/v1/${r};x`,
  (r) => `/v1/${r}%00`,
  (r) => `/v1/${r}\t`,
  (r) => `http://x/v1/${r}`,
  (r) => `http://127.0.0.1/v1/${r}`,
  (r) => `HTTP://X/V1/${r.toUpperCase()}`,
  (r) => `http://x//v1/${r}`,
  (r) => `v1/${r}`,
  () => '*',
];
const TARGETS = [
  ...new Set(['calls', 'live', 'subscriptions'].flatMap((route) => SPELLINGS.map((spell) => spell(route)))),
];

describe('the API key guards every /v1 route, however its path is spelled', () => {
  let t: TestBridge;

  beforeAll(async () => {
    t = await startTestBridge({ BRIDGE_API_KEY: KEY });
  });

  afterAll(async () => {
    await t.close();
  });

  it.each(TARGETS)('never answers GET %s with 2xx without the key', async (target) => {
    const response = await rawGet(t.url, target);
    expect([400, 401, 404, 405, 414]).toContain(response.status);
    if (response.body) expect(JSON.parse(response.body).error.code).toMatch(/^[A-Z_]+$/);
  });

  it('never places a call without the key through an encoded or absolute-form POST', async () => {
    const body = JSON.stringify(agentCall());
    for (const target of ['/%761/calls', '/v%31/calls', 'http://x/v1/calls', '/v1/calls/']) {
      const response = await rawRequest(
        t.url,
        `POST ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      expect([400, 401, 404]).toContain(response.status);
    }
    const listed = await t.api('/v1/calls', { headers: { authorization: `Bearer ${KEY}` } });
    expect(listed.body.calls).toEqual([]);
  });

  it('asks for the key on every route registered under /v1, with every method', async () => {
    const v1 = listRoutes(t.bridge.app).filter(([, path]) => path.startsWith('/v1'));
    expect(v1.length).toBeGreaterThanOrEqual(12);
    for (const [method, path] of v1) {
      const concrete = path.replace(':id', 'call_000000000000000000000000');
      const response = await rawRequest(
        t.url,
        `${method} ${concrete} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 401 });
    }
  });

  it('accepts the key on an ordinary spelling', async () => {
    const response = await rawGet(t.url, '/v1/calls', { authorization: `Bearer ${KEY}` });
    expect(response.status).toBe(200);
  });
});
