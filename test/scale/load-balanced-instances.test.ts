import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { humanScript } from '../../bridge-server/src/sandbox/callee-script';
import { GeminiLiveSimulator } from '../../bridge-server/src/sandbox/gemini-live-simulator';
import { SandboxCarrier } from '../../bridge-server/src/sandbox/sandbox-carrier';
import pino from 'pino';
import { createLogger, silentLogger } from '../../bridge-server/src/shared/logger';
import { BridgeProcess } from '../support/bridge-process';
import { HaproxyBalancer } from '../support/haproxy';
import { freePort } from '../support/redis-server';
import { cleanRedis, readEvents, testPrefix } from '../support/sandbox-bridge';
import { testRedis } from '../support/test-redis';
import { until, WebhookReceiver } from '../support/webhook-receiver';

const CALLS = Number(process.env.TOPOLOGY_CALLS ?? 24);
const CALL_MS = 9000;
const API_KEY = 'topology-test-key';

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
}

/**
 * Three bridge instances behind a real HAProxy (round robin, HTTP and WebSocket) sharing one
 * Redis; one simulated carrier and one simulated Gemini stand in for Twilio and Google, and the
 * carrier reaches the bridges only through the balancer, as Twilio would. One instance is
 * SIGKILLed in mid-call.
 */
describe('three instances behind HAProxy, one killed mid-run', () => {
  const log = process.env.TOPOLOGY_LOG
    ? createLogger({ level: 'debug', destination: pino.destination(process.env.TOPOLOGY_LOG) })
    : silentLogger();
  const carrier = new SandboxCarrier({
    log,
    // Numbers of the pacing test (+1555801…) talk briefly; the others for CALL_MS.
    defaultScript: (to) =>
      humanScript({
        ringMs: 300,
        lines: [],
        continuousSpeech: true,
        hangUpWhenDone: false,
        hangUpAfterMs: to.startsWith('+1555801') ? 2000 : CALL_MS,
      }),
  });
  const gemini = new GeminiLiveSimulator({ log });
  let carrierUrl = '';
  let geminiUrl = '';
  let prefix = '';
  let receiver: WebhookReceiver;
  let balancer: HaproxyBalancer;
  const instances: BridgeProcess[] = [];

  beforeAll(async () => {
    gemini.scenarios.set('load', { calleeLines: [], replies: [], continuousSpeech: true });
    [carrierUrl, geminiUrl] = await Promise.all([carrier.listen(), gemini.listen()]);
  });

  afterEach(async () => {
    await Promise.all(instances.splice(0).map((instance) => instance.kill()));
    await balancer?.stop();
    await receiver?.stop();
    await cleanRedis(prefix);
  });

  afterAll(async () => {
    await Promise.all([carrier.close(), gemini.close()]);
  });

  /** Through the balancer, retried (same Idempotency-Key) when the instance it reached died. */
  async function api(path: string, json?: unknown, key?: string): Promise<any> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${balancer.url}${path}`, {
        method: json === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${API_KEY}`,
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: json === undefined ? undefined : JSON.stringify(json),
      }).catch(() => undefined);
      if (response && response.status < 500) return response.json();
      if (attempt >= 10) throw new Error(`${path}: ${response?.status ?? 'no answer'}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** A call's record as the bridges stored it (its `instance` says which one answers for it). */
  async function record(id: string): Promise<any> {
    const redis = testRedis();
    try {
      return JSON.parse((await redis.get(`${prefix}call:{${id}}`)) ?? '{}');
    } finally {
      redis.disconnect();
    }
  }

  /** Instance ids are `<host>-<pid>-<random>`: the pid says which process it is. */
  function instanceNamed(id: string): BridgeProcess {
    return instances.find((instance) => id.includes(`-${instance.pid}-`))!;
  }

  /** Three instances (pids in `instances`), HAProxy in front, and a subscriber to every call event. */
  async function startTopology(extra: Record<string, string> = {}): Promise<void> {
    prefix = testPrefix();
    receiver = new WebhookReceiver();
    await receiver.start();
    balancer = new HaproxyBalancer();
    // The public URL is the balancer's: its port is reserved before the instances start.
    const lbPort = await freePort();
    const env = {
      TWILIO_ACCOUNT_SID: carrier.accountSid,
      TWILIO_AUTH_TOKEN: carrier.authToken,
      TWILIO_FROM_NUMBER: '+15557650000',
      TWILIO_API_BASE_URL: carrierUrl,
      GEMINI_API_KEY: 'sandbox',
      GEMINI_BASE_URL: geminiUrl,
      PUBLIC_URL: `http://127.0.0.1:${lbPort}`,
      BRIDGE_API_KEY: API_KEY,
      REDIS_KEY_PREFIX: prefix,
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      DELIVERY_LEASE_SEC: '3',
    };
    for (let i = 0; i < 3; i++) instances.push(new BridgeProcess(`topology-${i}`, { ...env, ...extra }));
    const backends = await Promise.all(instances.map((instance) => instance.start()));
    balancer.port = lbPort;
    await balancer.start(backends);
    await api('/v1/subscriptions', { url: receiver.url, events: ['call.status', 'call.ended'] });
  }

  it('ends the killed instance’s calls once each with error, leaves every other call alone, loses and doubles no event', async () => {
    await startTopology();
    // The simulators share this process: how late its loop runs is latency the bridges did not add.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpuBefore = instances.map((instance) => cpuSeconds(instance.pid!));

    const calls: { id: string; to: string; placedBy: string; streamedBy?: string }[] = [];
    await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        // Placed 100 ms apart, so they are answered apart too, as real calls are.
        await new Promise((resolve) => setTimeout(resolve, i * 100));
        const to = `+1555800${String(i).padStart(4, '0')}`;
        const agent = { prompt: `Topology test. #scenario:load #call:${to}` };
        const placed = await api('/v1/calls', { to, mode: 'agent', agent }, `topology-${prefix}-${i}`);
        calls.push({ id: placed.id, to, placedBy: (await record(placed.id)).instance });
      }),
    );
    // Every call streaming, then one instance dies in mid-call.
    await until(
      async () => (await Promise.all(calls.map((c) => record(c.id)))).every((r) => r.media === 'streaming'),
      15_000,
      'every call streaming',
    );
    for (const call of calls) call.streamedBy = (await record(call.id)).instance;
    const streamedBy = (instance: string) => calls.filter((c) => c.streamedBy === instance).length;
    const byStreams = [...new Set(calls.map((c) => c.streamedBy!))].sort((a, b) => streamedBy(b) - streamedBy(a));
    const victim = byStreams[0];
    const killedAt = Date.now();
    const killed = instanceNamed(victim);
    const cpuKilled = cpuSeconds(killed.pid!);
    await killed.kill();

    const ended = async () => (await readEvents(prefix)).filter((e) => e.type === 'call.ended');
    await until(async () => (await ended()).length >= CALLS, CALL_MS + 30_000, 'every call ended');
    await new Promise((resolve) => setTimeout(resolve, 4000)); // past the lease: late duplicates would show
    const events = (await readEvents(prefix)).filter((e) => e.type === 'call.status' || e.type === 'call.ended');
    const endedEvents = events.filter((e) => e.type === 'call.ended');
    const lost = [...new Set(events.map((e) => e.id))].filter((id) => !receiver.uniqueIds().has(id));
    const onVictim = calls.filter((c) => c.streamedBy === victim);
    // When the last of the killed instance's calls had its call.ended delivered.
    const victimsDone = Math.max(
      ...receiver.received
        .filter((r) => r.type === 'call.ended' && onVictim.some((c) => r.body.includes(c.id)))
        .map((r) => r.at),
    );
    const greetings = (foreign: boolean) =>
      calls
        .filter((c) => c.streamedBy !== victim && (c.placedBy !== c.streamedBy) === foreign)
        .map((c) => [...carrier.calls.values()].find((sc) => sc.params.to === c.to)?.stream?.stats.firstAgentAudioMs)
        .filter((ms): ms is number => typeof ms === 'number');
    const cpu = instances.map((instance, i) =>
      instance === killed ? cpuKilled - cpuBefore[i] : cpuSeconds(instance.pid!) - cpuBefore[i],
    );
    process.stdout.write(
      `${JSON.stringify({
        calls: CALLS,
        streamsPerInstance: byStreams.map((instance) => streamedBy(instance)),
        killedCalls: onVictim.length,
        foreignStreams: calls.filter((c) => c.placedBy !== c.streamedBy).length,
        greetingMs: { foreignP50: median(greetings(true)), localP50: median(greetings(false)) },
        simulatorLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e6),
        killedCallsEndedAfterMs: victimsDone - killedAt,
        eventsRecorded: events.length,
        eventsLost: lost.length,
        redeliveries: receiver.duplicates(),
        cpuSeconds: cpu.map((s) => Number(s.toFixed(2))),
        cpuTotal: Number(cpu.reduce((a, b) => a + b, 0).toFixed(2)),
      })}\n`,
    );

    expect(lost).toEqual([]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(onVictim.length).toBeGreaterThan(0);
    for (const call of calls) {
      const mine = endedEvents.filter((e) => e.call.id === call.id);
      expect(mine).toHaveLength(1);
      expect(mine[0].call.endReason).toBe(call.streamedBy === victim ? 'error' : 'callee-hangup');
      const delivered = receiver.received.filter((r) => r.type === 'call.ended' && r.body.includes(call.id));
      expect(new Set(delivered.map((r) => r.id)).size).toBe(1);
    }
    // The others' calls ran their full length: none was cut short by the loss of an instance.
    for (const event of endedEvents.filter((e) => !onVictim.some((c) => c.id === e.call.id)))
      expect(event.call.durationSec).toBeGreaterThanOrEqual(Math.floor(CALL_MS / 1000) - 1);
    expect(greetings(true).length).toBeGreaterThan(0);
  }, 90_000);

  it('dials a killed instance’s queued calls from another instance, each once, at the shared pace', async () => {
    await startTopology({ TWILIO_CALLS_PER_SECOND: '2' });
    const calls = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const to = `+1555801${String(i).padStart(4, '0')}`;
        const agent = { prompt: `Topology test. #scenario:load #call:${to}` };
        const placed = await api('/v1/calls', { to, mode: 'agent', agent }, `paced-${prefix}-${i}`);
        return {
          id: placed.id as string,
          to,
          status: placed.status as string,
          placedBy: (await record(placed.id)).instance,
        };
      }),
    );
    // The instance holding the most calls still waiting for their slot dies.
    const queued = async () =>
      (await Promise.all(calls.map((c) => record(c.id)))).filter((r) => r.status === 'queued' && !r.twilioCallSid);
    const waiting = await queued();
    const held = (instance: string) => waiting.filter((r) => r.instance === instance).length;
    const victim = [...new Set(waiting.map((r) => r.instance as string))].sort((a, b) => held(b) - held(a))[0];
    const stranded = waiting.filter((r) => r.instance === victim).map((r) => r.id as string);
    await instanceNamed(victim).kill();

    const ended = async () => (await readEvents(prefix)).filter((e) => e.type === 'call.ended');
    await until(async () => (await ended()).length >= calls.length, 40_000, 'every call ended');
    const dialled = [...carrier.calls.values()].filter((call) => call.params.to.startsWith('+1555801'));
    const endedEvents = await ended();
    process.stdout.write(
      `${JSON.stringify({ paced: calls.length, strandedOnKilled: stranded.length, dials: dialled.length })}\n`,
    );
    expect(stranded.length).toBeGreaterThan(0);
    // Each number dialled exactly once (a queued call is never dialled by two instances).
    expect(new Set(dialled.map((call) => call.params.to)).size).toBe(calls.length);
    expect(dialled).toHaveLength(calls.length);
    for (const call of calls) {
      const mine = endedEvents.filter((e) => e.call.id === call.id);
      expect(mine).toHaveLength(1);
      expect(mine[0].call.endReason).toBe('callee-hangup');
    }
  }, 90_000);
});
