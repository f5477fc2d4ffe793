import { BridgeProcess } from '../support/bridge-process';
import { rawRequest } from '../support/raw-http';
import { agentCall, cleanRedis, readEvents, testPrefix } from '../support/sandbox-bridge';
import { testRedis } from '../support/test-redis';
import { until } from '../support/webhook-receiver';

describe('BRIDGE_WORKERS: several bridge processes on one port', () => {
  const prefix = testPrefix();
  const bridge = new BridgeProcess(
    'workers',
    { BRIDGE_WORKERS: '2', REDIS_KEY_PREFIX: prefix, SANDBOX_SPEED: '4' },
    /every bridge worker is listening/,
  );

  afterAll(async () => {
    await bridge.kill();
    await cleanRedis(prefix);
  });

  it('shares calls between the workers, answers /metrics for all of them, and drains every worker on SIGTERM', async () => {
    await bridge.start();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      // A connection of its own each (as separate clients): node:cluster gives connections to workers in turn.
      const body = JSON.stringify(agentCall(`+1555123${1000 + i}`));
      const reply = await rawRequest(
        bridge.url,
        `POST /v1/calls HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(reply.status).toBe(201);
      ids.push(JSON.parse(reply.body).id);
    }
    // Each worker is an instance of its own: the calls name the worker that placed them.
    const redis = testRedis();
    const placers = new Set(
      await Promise.all(ids.map(async (id) => JSON.parse((await redis.get(`${prefix}call:{${id}}`))!).instance)),
    );
    redis.disconnect();
    expect(placers.size).toBe(2);
    const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
    expect(metrics).toMatch(/^voicebridge_calls_placed_total\{mode="agent"\} 8$/m);

    await bridge.stop(); // SIGTERM: the calls in progress finish, then every worker and the primary exit
    expect(bridge.exitCode).toBe(0);
    await until(
      async () => (await readEvents(prefix)).filter((e) => e.type === 'call.ended').length === ids.length,
      5000,
      'every call ended',
    );
    const ended = (await readEvents(prefix)).filter((e) => e.type === 'call.ended');
    expect(new Set(ended.map((e) => e.call.id))).toEqual(new Set(ids));
  }, 60_000);
});
