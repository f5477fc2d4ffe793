import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger } from 'voice-bridge-server/dist/shared/logger';
import { GeminiLiveSimulator } from 'voice-bridge-server/dist/sandbox/gemini-live-simulator';
import { humanScript } from 'voice-bridge-server/dist/sandbox/callee-script';
import { LoadProbe } from './load-probe';
import { SandboxCarrier } from 'voice-bridge-server/dist/sandbox/sandbox-carrier';
import { median, percentile } from './timing';

/**
 * The load test's other process: the simulated carrier (the load generator: 20 ms callee frames
 * for every call) and the simulated Gemini (100 ms of 24 kHz agent audio every 100 ms for every
 * call), sharing one LoadProbe. Driven by the parent over IPC.
 */
async function main(): Promise<void> {
  const log = createLogger({ level: 'warn' });
  const probe = new LoadProbe();
  const carrier = new SandboxCarrier({
    log,
    telemetry: probe,
    accountSid: process.env.LOAD_ACCOUNT_SID,
    authToken: process.env.LOAD_AUTH_TOKEN,
    defaultScript: () => humanScript({ ringMs: 300, lines: [], continuousSpeech: true, hangUpWhenDone: false }),
  });
  const gemini = new GeminiLiveSimulator({ log, telemetry: probe });
  gemini.scenarios.set('load', { calleeLines: [], replies: [], continuousSpeech: true });
  const [carrierUrl, geminiUrl] = await Promise.all([carrier.listen(), gemini.listen()]);
  const send = (message: object) => process.send?.(message);
  // This process's own loop delay: frames it is slow to send or to note as arrived count as
  // latency through the bridge, so the report says how much of that the generator caused.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  process.on('message', (message: { command: string }) => {
    if (message.command === 'record') {
      probe.recording = true;
      loop.reset();
      loop.enable();
      send({ event: 'recording' });
    } else if (message.command === 'stop-recording') {
      probe.recording = false;
      loop.disable();
      send({ event: 'stopped' });
    } else if (message.command === 'report') {
      const greetings = [...carrier.calls.values()]
        .map((call) => call.stream?.stats.firstAgentAudioMs)
        .filter((ms): ms is number => typeof ms === 'number');
      send({
        event: 'report',
        counts: probe.counts,
        inbound: {
          p50: median(probe.inboundLatencyMs),
          p99: percentile(probe.inboundLatencyMs, 99),
          max: probe.inboundLatencyMs.reduce((a, b) => Math.max(a, b), 0),
        },
        outbound: {
          p50: median(probe.outboundLatencyMs),
          p99: percentile(probe.outboundLatencyMs, 99),
          max: probe.outboundLatencyMs.reduce((a, b) => Math.max(a, b), 0),
        },
        greeting: { p50: median(greetings), p99: percentile(greetings, 99), calls: greetings.length },
        loopDelayP99Ms: Math.max(0, loop.percentile(99) / 1e6 - 10),
        streaming: [...carrier.calls.values()].filter((call) => call.status === 'in-progress' && call.stream).length,
      });
    } else if (message.command === 'exit') {
      void Promise.all([carrier.close(), gemini.close()]).finally(() => process.exit(0));
    }
  });
  send({ event: 'ready', carrierUrl, geminiUrl });
}

void main();
