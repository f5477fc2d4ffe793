import type { AgentScenario } from '../../bridge-server/src/sandbox/agent-scenario';
import { humanScript } from '../../bridge-server/src/sandbox/callee-script';
import { OwnRedisServer } from '../support/redis-server';
import { readEvents, startTestBridge, type TestBridge } from '../support/sandbox-bridge';
import { until } from '../support/webhook-receiver';

const CALLEE = [
  'Hi, this is Sam.',
  'Yes, tomorrow is fine.',
  'Ten in the morning works.',
  'Can you text me the address?',
  'Thanks, bye.',
];
const SCENARIO: AgentScenario = {
  calleeLines: CALLEE,
  replies: [
    'Great, I am calling about your appointment.',
    'Perfect, does ten work?',
    'Noted. Anything else?',
    'Sure, I will send it now.',
    'Goodbye!',
  ],
  endCallAfterReply: 4,
};

/** A fetch-based SSE reader that keeps every event's id and body. */
function watchLive(url: string, lastEventId?: string) {
  const seen: { id?: string; type: string; body: any }[] = [];
  const controller = new AbortController();
  const done = (async () => {
    const response = await fetch(`${url}/v1/live`, {
      headers: lastEventId ? { 'last-event-id': lastEventId } : {},
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return;
      buffered += decoder.decode(value, { stream: true });
      const blocks = buffered.split('\n\n');
      buffered = blocks.pop()!;
      for (const block of blocks) {
        const lines = block.split('\n');
        const data = lines.find((l) => l.startsWith('data: '));
        if (!data) continue;
        const body = JSON.parse(data.slice(6));
        seen.push({ id: lines.find((l) => l.startsWith('id: '))?.slice(4), type: body.type, body });
      }
    }
  })().catch(() => undefined);
  return { seen, stop: () => controller.abort(), done };
}

describe('a Redis outage mid-call (its own redis-server, killed with SIGKILL)', () => {
  const redis = new OwnRedisServer();
  let t: TestBridge;

  beforeAll(async () => {
    await redis.start();
    t = await startTestBridge({ REDIS_URL: redis.url, SANDBOX_SPEED: '2' });
    t.sandbox.gemini!.scenarios.set('outage', SCENARIO);
  });

  afterAll(async () => {
    try {
      await t?.close();
    } finally {
      await redis.stop();
    }
  });

  it('fails API calls fast with 503, keeps the call going, writes what was said in order once Redis is back, and replays missed events to a reconnecting viewer', async () => {
    const to = '+15557770001';
    t.sandbox.carrier!.scripts.set(to, humanScript({ lines: CALLEE.map((text) => ({ text })) }));
    const viewer = watchLive(t.url);
    const placed = await t.placeCall({
      to,
      mode: 'agent',
      agent: { prompt: 'You confirm appointments. #scenario:outage', greeting: 'Hello, this is Ava.' },
    });
    await until(
      () => viewer.seen.filter((e) => e.type === 'call.transcript').length >= 2,
      20_000,
      'the first transcript entries',
    );
    const lastSeenBeforeOutage = viewer.seen.filter((e) => e.id).at(-1)!.id!;
    viewer.stop();

    await redis.kill();
    const started = Date.now();
    const read = await t.api(`/v1/calls/${placed.id}`);
    const readMs = Date.now() - started;
    expect(read.status).toBe(503);
    expect(read.body.error.code).toBe('STORE_UNAVAILABLE');
    expect(readMs).toBeLessThanOrEqual(1000);
    const place = await t.api('/v1/calls', {
      method: 'POST',
      json: { to: '+15557770002', mode: 'agent', agent: { prompt: 'p' } },
    });
    expect(place.status).toBe(503);

    // The callee goes on talking while Redis is down; the bridge holds what it hears.
    await until(
      async () => /voicebridge_store_writes_held [1-9]/.test(await (await fetch(`${t.url}/metrics`)).text()),
      15_000,
      'writes to be held',
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await fetch(`${t.url}/readyz`)).status).toBe(503);
    await redis.start();

    const ended = await t.waitForEnd(placed.id, 40_000);
    expect(ended).toMatchObject({ status: 'completed', endReason: 'agent-hangup' });
    expect(ended.transcript.filter((e) => e.speaker === 'callee').map((e) => e.text)).toEqual(CALLEE);
    expect(ended.transcript.filter((e) => e.speaker === 'agent').map((e) => e.text)).toEqual([
      'Hello, this is Ava.',
      ...SCENARIO.replies,
    ]);

    const events = (await readEvents(t.prefix, redis.url)).filter((e) => e.call.id === placed.id);
    expect(events.filter((e) => e.type === 'call.ended')).toHaveLength(1);
    expect(events.at(-1)!.type).toBe('call.ended');
    expect(events.filter((e) => e.type === 'call.transcript')).toHaveLength(ended.transcript.length);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const statuses = events.filter((e) => e.type === 'call.status').map((e) => e.call.status);
    expect(statuses).toEqual(['ringing', 'in-progress', 'completed']);

    // A viewer that comes back with the last id it saw gets everything after it, once, in order.
    const back = watchLive(t.url, lastSeenBeforeOutage);
    await until(
      () => back.seen.some((e) => e.type === 'call.ended' && e.body.call.id === placed.id),
      10_000,
      'the replay',
    );
    back.stop();
    const replayed = back.seen.filter((e) => e.id && e.body.call?.id === placed.id).map((e) => e.body.id);
    const all = events.map((e) => e.id);
    expect(replayed).toEqual(all.slice(all.length - replayed.length));
    expect(replayed.length).toBeGreaterThan(3);
  }, 90_000);
});
