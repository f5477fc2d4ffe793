import { connect, type Socket } from 'node:net';
import { callEvent } from '../../bridge-server/src/delivery/event-publisher';
import type { CallResource } from '../../bridge-server/src/shared/wire-types';
import { startTestBridge, type TestBridge } from '../support/sandbox-bridge';
import { until } from '../support/webhook-receiver';

function openLive(url: string): Promise<{ socket: Socket; head: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /v1/live HTTP/1.1\r\nHost: x\r\n\r\n'));
    socket.once('data', (chunk) => {
      socket.pause();
      resolve({ socket, head: chunk.toString() });
    });
    socket.once('error', reject);
  });
}

const BIG_CALL = (id: number): CallResource => ({
  id: `call_${id.toString(16).padStart(24, '0')}`,
  twilioCallSid: null,
  mode: 'agent',
  direction: 'outbound',
  to: '+15551230000',
  from: '+15557650000',
  connectTo: null,
  status: 'ringing',
  answeredBy: null,
  endReason: null,
  createdAt: new Date().toISOString(),
  answeredAt: null,
  endedAt: null,
  durationSec: null,
  metadata: { padding: 'x'.repeat(16_000) },
  transcript: [],
});

describe("no client can hold the bridge's memory or connections", () => {
  let t: TestBridge;

  beforeAll(async () => {
    t = await startTestBridge({ LIVE_MAX_VIEWERS: '2' }, { redis: false });
  });

  afterAll(async () => {
    await t.close();
  });

  it('closes a request whose body trickles in one byte every few seconds, with 408, within the request timeout', async () => {
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    const started = Date.now();
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      'POST /v1/calls HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const drip = setInterval(() => socket.writable && socket.write(' '), 3000);
    await closed;
    clearInterval(drip);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(reply).toContain('"REQUEST_TIMEOUT"');
  }, 30_000);

  it('caps live viewers (one more gets 503) and drops a viewer that stops reading', async () => {
    const first = await openLive(t.url);
    const second = await openLive(t.url);
    expect(first.head).toMatch(/^HTTP\/1\.1 200/);
    expect(second.head).toMatch(/^HTTP\/1\.1 200/);
    const third = await t.api('/v1/live');
    expect(third.status).toBe(503);
    expect(third.body.error.code).toBe('TOO_MANY_LIVE_VIEWERS');

    // Neither viewer reads: once more than the per-viewer limit waits for them, they are dropped.
    for (let i = 0; i < 1500; i++)
      await t.bridge.delivery.hub.publish(callEvent('call.status', BIG_CALL(i), `flood:${i}`));
    await until(
      async () =>
        (await fetch(`${t.url}/v1/live`).then(async (response) => {
          await response.body?.cancel();
          return response.status;
        })) === 200,
      10_000,
      'a free viewer slot',
    );
    first.socket.destroy();
    second.socket.destroy();
  }, 60_000);
});
