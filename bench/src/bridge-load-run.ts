import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { cpuMicros, processTree, treeCpuMicros, treeRssBytes } from './process-stats';

/** prom-client's default `eventLoopMonitoringPrecision`. */
const LOOP_MONITOR_RESOLUTION_MS = 10;

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
}

export interface BridgeLoadResult {
  calls: number;
  /** BRIDGE_WORKERS of the run. */
  workers: number;
  seconds: number;
  cpuMicrosPerCallSecond: number;
  userMicrosPerCallSecond: number;
  kernelMicrosPerCallSecond: number;
  callsPerCore: number;
  rssPerCallKiB: number;
  /** CPU the simulators and load generator used (cores): they share the machine with the bridge. */
  generatorCores: number;
  /** The simulators' own event-loop delay p99 (ms): time they add to the latencies measured. */
  generatorLoopDelayP99Ms: number;
  frames: Record<
    | 'inboundSent'
    | 'inboundReceived'
    | 'outboundSent'
    | 'outboundReceived'
    | 'inboundLate'
    | 'outboundLate'
    | 'lostInbound'
    | 'lostOutbound',
    number
  >;
  inboundLatencyMs: LatencySummary;
  outboundLatencyMs: LatencySummary;
  eventLoopDelayP99Ms: number;
  greetingLatencyMs: { p50: number; p99: number; calls: number };
  /** Redis commands (all of the server's, which serves only this test) per call-second in the window. */
  redisOpsPerCallSecond: number;
  /** Redis commands per call from placement to its end (the steady state's included). */
  redisOpsPerCall: number;
}

const REDIS_URL = 'redis://127.0.0.1:6379/0';

/** Commands the Redis server has processed so far (INFO stats), less the one asking. */
async function redisCommands(redis: Redis): Promise<number> {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? NaN);
}

function waitFor<T>(child: ChildProcess, event: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: { event?: string }) => {
      if (message.event !== event) return;
      child.off('message', listener);
      resolve(message as T);
    };
    child.on('message', listener);
  });
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

/**
 * One load-test run: the bridge as its own process (live mode, pointed at the simulators), the
 * simulators and load generator in another, a real Redis; `calls` concurrent agent calls with
 * continuous two-way audio, measured over `seconds` of steady state. Every frame is counted and
 * timed at both ends by the simulators.
 */
export async function runBridgeLoad(
  calls: number,
  seconds: number,
  flags: { cpuProfile?: boolean; perfMap?: boolean; nodeFlags?: string[]; workers?: number } = {},
): Promise<BridgeLoadResult> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const prefix = `vbload:${randomBytes(4).toString('hex')}:`;
  const simulators = fork(join(__dirname, 'loadtest-simulators.js'), [], {
    env: { ...process.env, LOAD_ACCOUNT_SID: accountSid, LOAD_AUTH_TOKEN: authToken },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { carrierUrl, geminiUrl } = await waitFor<{ carrierUrl: string; geminiUrl: string }>(simulators, 'ready');

  const port = 20000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;
  const apiKey = randomBytes(12).toString('hex');
  // --cpu-prof writes the bridge's profile (on its graceful exit) for finding the hot path;
  // --perf-map lets Linux `perf record -p <bridge pid>` name JIT-compiled functions too.
  const profile = flags.cpuProfile
    ? ['--cpu-prof', `--cpu-prof-dir=${join(process.cwd(), 'test-artifacts', 'profiles')}`]
    : [];
  if (flags.perfMap) profile.push('--perf-basic-prof-only-functions');
  profile.push(...(flags.nodeFlags ?? []));
  const bridge = spawn(process.execPath, [...profile, require.resolve('voice-bridge-server/bin/voice-bridge.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      BRIDGE_API_KEY: apiKey,
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_SEC: '0',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      REDIS_KEY_PREFIX: prefix,
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TWILIO_FROM_NUMBER: '+15005550006',
      TWILIO_API_BASE_URL: carrierUrl,
      GEMINI_API_KEY: 'load',
      GEMINI_MODEL: 'gemini-3.8-live',
      GEMINI_BASE_URL: geminiUrl,
      BRIDGE_WORKERS: String(flags.workers ?? 1),
    },
    stdio: ['ignore', process.env.LOADTEST_BRIDGE_STDOUT ? 'inherit' : 'ignore', 'inherit'],
  });
  const pid = bridge.pid!;
  process.stderr.write(`bridge pid ${pid}\n`);
  const stopAll = async () => {
    const exited = new Promise((resolve) => bridge.once('exit', resolve));
    bridge.kill(profile.length ? 'SIGTERM' : 'SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    bridge.kill('SIGKILL');
    simulators.send({ command: 'exit' });
  };
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/healthz`).catch(() => undefined))?.ok) break;
      if (i > 200) throw new Error('the bridge did not start');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // With workers, the bridge is the primary and its workers together.
    const pids = processTree(pid);
    const idleRss = treeRssBytes(pids);
    const redis = new Redis(REDIS_URL);
    const commandsAtStart = await redisCommands(redis);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
    const ids: string[] = [];
    for (let i = 0; i < calls; i++) {
      const to = `+1555100${String(i).padStart(4, '0')}`;
      const body = {
        to,
        mode: 'agent',
        agent: { prompt: `Load test. #scenario:load #call:${to}` },
        maxDurationSec: 14400,
      };
      const response = await fetch(`${base}/v1/calls`, { method: 'POST', headers, body: JSON.stringify(body) });
      if (response.status !== 201) throw new Error(`placing call ${i}: ${response.status} ${await response.text()}`);
      ids.push(((await response.json()) as { id: string }).id);
      if (i % 25 === 24) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (let i = 0; ; i++) {
      const active = (
        (await (await fetch(`${base}/v1/calls?status=active&limit=200`, { headers })).json()) as {
          calls: { status: string }[];
        }
      ).calls;
      const streams = await metric(base, 'voicebridge_media_streams_active');
      if (streams >= calls) break;
      if (i > 600) throw new Error(`only ${streams} of ${calls} streams started (${active.length} active)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000)); // settle: greetings out, JIT warm
    await metric(base, 'voicebridge_nodejs_eventloop_lag_p99_seconds'); // resets the loop-delay histogram
    simulators.send({ command: 'record' });
    await waitFor(simulators, 'recording');
    const cpuStart = treeCpuMicros(pids);
    const commandsBeforeWindow = await redisCommands(redis);
    const generatorStart = cpuMicros(simulators.pid!);
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const cpuEnd = treeCpuMicros(pids);
    const commandsInWindow = (await redisCommands(redis)) - commandsBeforeWindow;
    const generatorEnd = cpuMicros(simulators.pid!);
    const userUsed = cpuEnd.user - cpuStart.user;
    const kernelUsed = cpuEnd.kernel - cpuStart.kernel;
    const cpuUsed = userUsed + kernelUsed;
    const elapsedSec = (performance.now() - startedAt) / 1000;
    const loadedRss = treeRssBytes(pids);
    // prom-client reads Node's monitorEventLoopDelay, whose samples are the time between ticks of
    // a 10 ms timer: an idle process reads about 10.2 ms. The delay is what exceeds that timer.
    const loopP99Ms = Math.max(
      0,
      (await metric(base, 'voicebridge_nodejs_eventloop_lag_p99_seconds')) * 1000 - LOOP_MONITOR_RESOLUTION_MS,
    );
    simulators.send({ command: 'stop-recording' });
    await waitFor(simulators, 'stopped');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let frames in flight arrive
    simulators.send({ command: 'report' });
    const report = await waitFor<{
      counts: Omit<BridgeLoadResult['frames'], 'lostInbound' | 'lostOutbound'>;
      inbound: { p50: number; p99: number; max: number };
      outbound: { p50: number; p99: number; max: number };
      greeting: { p50: number; p99: number; calls: number };
      loopDelayP99Ms: number;
    }>(simulators, 'report');

    const microsPerCallSecond = cpuUsed / (calls * elapsedSec);
    const generatorUsed = generatorEnd.user + generatorEnd.kernel - generatorStart.user - generatorStart.kernel;
    const callsPerCore = Math.floor(1e6 / microsPerCallSecond);
    const lostInbound = report.counts.inboundSent - report.counts.inboundReceived;
    const lostOutbound = report.counts.outboundSent - report.counts.outboundReceived;
    const rssPerCallKb = (loadedRss - idleRss) / calls / 1024;
    const result: BridgeLoadResult = {
      calls,
      workers: flags.workers ?? 1,
      seconds: Number(elapsedSec.toFixed(2)),
      cpuMicrosPerCallSecond: Math.round(microsPerCallSecond),
      userMicrosPerCallSecond: Math.round(userUsed / (calls * elapsedSec)),
      kernelMicrosPerCallSecond: Math.round(kernelUsed / (calls * elapsedSec)),
      callsPerCore,
      rssPerCallKiB: Math.round(rssPerCallKb),
      generatorCores: Number((generatorUsed / (elapsedSec * 1e6)).toFixed(2)),
      generatorLoopDelayP99Ms: Number(report.loopDelayP99Ms.toFixed(2)),
      frames: { ...report.counts, lostInbound, lostOutbound },
      inboundLatencyMs: report.inbound,
      outboundLatencyMs: report.outbound,
      eventLoopDelayP99Ms: Number(loopP99Ms.toFixed(2)),
      greetingLatencyMs: report.greeting,
      redisOpsPerCallSecond: Number((commandsInWindow / (calls * elapsedSec)).toFixed(2)),
      redisOpsPerCall: 0,
    };
    for (const id of ids)
      void fetch(`${base}/v1/calls/${id}/hangup`, { method: 'POST', headers }).catch(() => undefined);
    // Until every call has ended and its call.ended is out: the whole life of each call.
    for (let i = 0; i < 100 && (await metric(base, 'voicebridge_media_streams_active')) > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    result.redisOpsPerCall = Math.round(((await redisCommands(redis)) - commandsAtStart) / calls);
    redis.disconnect();
    return result;
  } finally {
    await stopAll();
    const cleaner = new Redis(REDIS_URL);
    const keys = await cleaner.keys(`*${prefix}*`);
    if (keys.length) await cleaner.del(...keys);
    cleaner.disconnect();
  }
}
