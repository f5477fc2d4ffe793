import type { lookup, LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TargetPolicy, targetRefusal } from '../../bridge-server/src/delivery/target-policy';
import { WebhookSender } from '../../bridge-server/src/delivery/webhook-sender';
import { agentCall, startTestBridge, type TestBridge } from '../support/sandbox-bridge';

const REFUSED = [
  'http://169.254.169.254/latest/meta-data/',
  'http://169.254.170.2/v2/credentials',
  'http://[fe80::1]/',
  'http://[fd00:ec2::254]/',
  'http://100.100.100.200/latest/meta-data/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/',
  'http://metadata/computeMetadata/v1/',
  'http://0xa9fea9fe/',
  'http://2852039166/',
  'http://0251.0376.0251.0376/',
  'http://[::ffff:169.254.169.254]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://[64:ff9b::a9fe:a9fe]/',
  'http://0.0.0.0/',
  'http://[::]/',
  'http://224.0.0.1/',
  'ftp://127.0.0.1/hook',
  'file:///etc/passwd',
  'gopher://127.0.0.1:6379/_FLUSHALL',
  'javascript:alert(1)',
  `http://127.0.0.1/${'a'.repeat(2100)}`,
  'not a url',
];

const ALLOWED_BY_DEFAULT = [
  'http://127.0.0.1:5678/webhook/x',
  'http://localhost:5678/webhook/x',
  'http://10.0.0.5/webhook',
  'http://192.168.1.20:5678/webhook',
  'https://n8n.example.invalid/webhook/a?sig=1',
];

describe('one target policy for every URL the API accepts', () => {
  let t: TestBridge;
  const auth = { authorization: 'Bearer k-0123456789abcdef' };

  beforeAll(async () => {
    t = await startTestBridge({ BRIDGE_API_KEY: 'k-0123456789abcdef' });
  });

  afterAll(async () => {
    await t.close();
  });

  it.each(REFUSED)('refuses %s as a subscription and as a waiter target with 400 on url', async (url) => {
    const subscription = await t.api('/v1/subscriptions', {
      method: 'POST',
      headers: auth,
      json: { url, events: ['call.ended'] },
    });
    expect(subscription.status).toBe(400);
    expect(subscription.body.error.details.map((d: { field: string }) => d.field)).toContain('url');
    const placed = await t.placeCall(agentCall('+15551230000'));
    const waiter = await t.api('/v1/waiters', { method: 'POST', headers: auth, json: { callIds: [placed.id], url } });
    expect(waiter.status).toBe(400);
    await t.api(`/v1/calls/${placed.id}/hangup`, { method: 'POST', headers: auth });
  });

  it("refuses the bridge's own Redis, however it is named", async () => {
    const port = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379').port || '6379';
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `http://127.0.0.2:${port}/`,
      `http://[::1]:${port}/`,
    ]) {
      const response = await t.api('/v1/subscriptions', {
        method: 'POST',
        headers: auth,
        json: { url, events: ['call.ended'] },
      });
      expect({ url, status: response.status }).toEqual({ url, status: 400 });
    }
  });

  it.each(ALLOWED_BY_DEFAULT)(
    'accepts %s (loopback and private ranges stay allowed: n8n often runs beside the bridge)',
    async (url) => {
      const response = await t.api('/v1/subscriptions', {
        method: 'POST',
        headers: auth,
        json: { url, events: ['call.ended'] },
      });
      expect(response.status).toBe(201);
      await t.api(`/v1/subscriptions/${response.body.id}`, { method: 'DELETE', headers: auth });
    },
  );

  it('lets WEBHOOK_ALLOWED_HOSTS narrow targets to listed hosts and CIDR ranges', async () => {
    const narrow = await startTestBridge({
      WEBHOOK_ALLOWED_HOSTS: 'n8n.internal.invalid, *.hooks.invalid, 10.0.0.0/8',
    });
    try {
      const status = async (url: string) =>
        (await narrow.api('/v1/subscriptions', { method: 'POST', json: { url, events: ['call.ended'] } })).status;
      expect(await status('http://n8n.internal.invalid/webhook')).toBe(201);
      expect(await status('http://a.hooks.invalid/webhook')).toBe(201);
      expect(await status('http://10.9.8.7/webhook')).toBe(201);
      expect(await status('http://127.0.0.1:5678/webhook')).toBe(400);
      expect(await status('http://192.168.1.20/webhook')).toBe(400);
      expect(await status('http://localhost:5678/webhook')).toBe(400);
      expect(await status('http://169.254.169.254/')).toBe(400);
    } finally {
      await narrow.close();
    }
  });
});

describe('the resolved address is checked on every connection (DNS rebinding)', () => {
  let server: Server;
  let hits = 0;
  let port = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A name server that answers `first` once, then `later`: the rebinding attacker's. */
  function rebinding(first: string, later: string): TargetPolicy {
    let answered = 0;
    const resolve = ((
      _host: string,
      _options: unknown,
      callback: (error: null, addresses: LookupAddress[]) => void,
    ) => {
      const address = answered++ === 0 ? first : later;
      callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
    }) as unknown as typeof lookup;
    return new TargetPolicy({ resolve });
  }

  it('accepts a name that resolves to loopback when given, then refuses the connection once it resolves to the metadata address', async () => {
    const policy = rebinding('127.0.0.1', '169.254.169.254');
    const url = `http://hooks.rebind.invalid:${port}/hook`;
    expect(await targetRefusal(policy, url)).toBeUndefined();
    const sender = new WebhookSender(2000, policy);
    const result = await sender.post(url, '{}', {});
    sender.close();
    expect(result).toMatchObject({ status: 0, refused: true });
    expect(result.error).toContain('169.254.169.254');
    expect(hits).toBe(0);
  });

  it('refuses at the API when the name already resolves somewhere forbidden', async () => {
    const policy = rebinding('169.254.169.254', '169.254.169.254');
    expect(await targetRefusal(policy, 'http://metadata.evil.invalid/')).toMatch(/not allowed/);
  });

  it('delivers to a name that keeps resolving to an allowed address', async () => {
    const policy = rebinding('127.0.0.1', '127.0.0.1');
    const sender = new WebhookSender(2000, policy);
    const result = await sender.post(`http://hooks.fine.invalid:${port}/hook`, '{}', {});
    sender.close();
    expect(result.status).toBe(200);
    expect(hits).toBe(1);
  });
});
