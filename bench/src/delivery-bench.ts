import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createBridge } from 'voice-bridge-server/dist/bridge';
import { startSandbox } from 'voice-bridge-server/dist/sandbox/start';
import { loadConfig } from 'voice-bridge-server/dist/config/load-config';
import { callEvent } from 'voice-bridge-server/dist/delivery/event-publisher';
import { silentLogger } from 'voice-bridge-server/dist/shared/logger';
import type { CallResource } from 'voice-bridge-server/dist/shared/wire-types';
import { median, percentile, printTable } from './timing';

const REDIS_URL = 'redis://127.0.0.1:6379/0';

/** A receiver in this process that notes when each event id arrives. */
async function startReceiver(
  onEvent: (event: { id: string; type: string; call?: { id: string } }) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      onEvent(JSON.parse(Buffer.concat(chunks).toString()));
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function clean(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

const SAMPLE_CALL: CallResource = {
  id: 'call_bench',
  twilioCallSid: 'CA0',
  mode: 'agent',
  direction: 'outbound',
  to: '+15551230000',
  from: '+15557650000',
  connectTo: null,
  status: 'in-progress',
  answeredBy: 'human',
  endReason: null,
  createdAt: new Date().toISOString(),
  answeredAt: new Date().toISOString(),
  endedAt: null,
  durationSec: null,
  metadata: { crmId: 'lead-42' },
  transcript: [],
};

export async function runDeliveryBench(events = 5000, calls = 40): Promise<Record<string, unknown>> {
  const prefix = `vbbench:${process.pid}:`;
  const arrivals = new Map<string, number>();
  const endedArrivals = new Map<string, number>();
  const receiver = await startReceiver((event) => {
    arrivals.set(event.id, performance.now());
    if (event.type === 'call.ended' && event.call) endedArrivals.set(event.call.id, performance.now());
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', REDIS_URL, REDIS_KEY_PREFIX: prefix, SANDBOX_SPEED: '5' });
  const sandbox = await startSandbox(config, silentLogger());
  const bridge = await createBridge(config, silentLogger(), sandbox.services);
  const base = await bridge.listen();
  try {
    await fetch(`${base}/v1/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, events: ['call.status', 'call.ended'] }),
    });

    // Throughput: events published as fast as the store takes them, until the last one arrives.
    const started = performance.now();
    const ids: string[] = [];
    for (let at = 0; at < events; at += 100) {
      const batch = Array.from({ length: Math.min(100, events - at) }, (_, i) =>
        callEvent('call.status', SAMPLE_CALL, `bench:${at + i}`),
      );
      ids.push(...batch.map((e) => e.id));
      await Promise.all(batch.map((event) => bridge.delivery.hub.publish(event)));
    }
    while (!ids.every((id) => arrivals.has(id))) await new Promise((resolve) => setTimeout(resolve, 5));
    const seconds = (performance.now() - started) / 1000;
    const eventsPerSecond = Math.round(events / seconds);

    // Latency: a call ends at the carrier -> its signed call.ended arrives at the receiver.
    const placed: string[] = [];
    for (let i = 0; i < calls; i++) {
      const response = await fetch(`${base}/v1/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: '+15558880002', mode: 'agent', agent: { prompt: 'p' } }),
      });
      placed.push(((await response.json()) as CallResource).id);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    while (!placed.every((id) => endedArrivals.has(id))) await new Promise((resolve) => setTimeout(resolve, 5));
    const latencies: number[] = [];
    for (const id of placed) {
      const call = (await (await fetch(`${base}/v1/calls/${id}`)).json()) as CallResource;
      const endedAt = sandbox.carrier?.calls.get(call.twilioCallSid ?? '')?.endedAtMs;
      if (endedAt !== undefined) latencies.push(endedArrivals.get(id)! - endedAt);
    }
    const p50 = median(latencies);
    const p99 = percentile(latencies, 99);
    printTable(
      'Delivery (real Redis, local receiver, one bridge process)',
      ['measure', 'value'],
      [
        [`events delivered per second (${events} signed POSTs)`, eventsPerSecond],
        [`call end -> call.ended received, median ms (${latencies.length} calls)`, p50.toFixed(1)],
        ['call end -> call.ended received, p99 ms', p99.toFixed(1)],
      ],
    );
    return {
      delivery: {
        eventsPerSecond,
        events,
        callEndToEndedMs: { median: Number(p50.toFixed(1)), p99: Number(p99.toFixed(1)), calls: latencies.length },
      },
    };
  } finally {
    await bridge.shutdown(0);
    await sandbox.close();
    await receiver.close();
    await clean(prefix);
  }
}
