import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testRedis } from '../support/test-redis';
import { BridgeProcess } from '../support/bridge-process';
import { cleanRedis, readEvents, testPrefix } from '../support/sandbox-bridge';
import { until, WebhookReceiver } from '../support/webhook-receiver';

const GRACE_SEC = 3;

describe('SIGTERM drains: calls in progress go on, then the rest are hung up, and the process exits', () => {
  const prefix = testPrefix();
  const receiver = new WebhookReceiver();
  let bridge: BridgeProcess;

  beforeAll(async () => {
    await receiver.start();
    bridge = new BridgeProcess('drain', {
      REDIS_KEY_PREFIX: prefix,
      SHUTDOWN_GRACE_SEC: String(GRACE_SEC),
      SANDBOX_SPEED: '1',
    });
    await bridge.start();
  });

  afterAll(async () => {
    await bridge.kill();
    await receiver.stop();
    await cleanRedis(prefix);
  });

  it('ends queued, ringing and streaming calls exactly once each, with call.ended delivered or in the outbox, within grace + 5 s', async () => {
    await bridge.api('/v1/subscriptions', { method: 'POST', json: { url: receiver.url, events: ['call.ended'] } });
    const agent = { mode: 'agent', agent: { prompt: 'You confirm appointments.' } };
    const streaming = (await bridge.api('/v1/calls', { method: 'POST', json: { to: '+15551230000', ...agent } })).body;
    const ringing = (
      await bridge.api('/v1/calls', { method: 'POST', json: { to: '+15551230003', ringTimeoutSec: 120, ...agent } })
    ).body;
    await until(
      async () => (await bridge.api(`/v1/calls/${streaming.id}`)).body.status === 'in-progress',
      10_000,
      'the first call to be answered',
    );
    await until(
      async () => (await bridge.api(`/v1/calls/${ringing.id}`)).body.status === 'ringing',
      10_000,
      'the second call to ring',
    );
    const queued = (await bridge.api('/v1/calls', { method: 'POST', json: { to: '+15551230000', ...agent } })).body;

    const signalled = Date.now();
    const stopped = bridge.stop();
    // While it drains, new calls are refused but Twilio's callbacks for these calls are still taken.
    await until(
      async () =>
        (
          await bridge
            .api('/v1/calls', { method: 'POST', json: { to: '+15551230000', ...agent } })
            .catch(() => ({ status: 0 }))
        ).status === 503,
      2000,
      'new calls to be refused',
    );
    await stopped;
    const exitedAfterMs = Date.now() - signalled;
    expect(exitedAfterMs).toBeLessThan((GRACE_SEC + 5) * 1000);

    const events = await readEvents(prefix);
    const redis = testRedis();
    const outbox = Object.values(await redis.hgetall(`{${prefix}events}:outbox:jobs`)).map(
      (json) => JSON.parse(json).eventId as string,
    );
    redis.disconnect();
    for (const call of [streaming, ringing, queued]) {
      const ended = events.filter((event) => event.type === 'call.ended' && event.call.id === call.id);
      expect(ended).toHaveLength(1);
      expect(['completed', 'canceled']).toContain(ended[0].call.status);
      expect(receiver.uniqueIds().has(ended[0].id) || outbox.includes(ended[0].id)).toBe(true);
    }
    const answered = events.find((event) => event.type === 'call.ended' && event.call.id === streaming.id)!;
    expect(answered.call).toMatchObject({ status: 'completed', endReason: 'error' });
    expect(answered.call.transcript.length).toBeGreaterThan(0);
    // The drain's 503s are expected, not errors.
    const lines = readFileSync(join(__dirname, '..', '..', 'test-artifacts', 'logs', 'drain.log'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(lines.filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  }, 40_000);
});
