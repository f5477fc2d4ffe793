import { runBridgeLoad, type BridgeLoadResult } from './bridge-load-run';
import { measureRelayBaseline, type RelayBaseline } from './relay-baseline';
import { printTable } from './timing';

/**
 * `npm run loadtest -- --calls N --seconds S`: one run at N concurrent agent calls, then the bare
 * ws relay at the same N for comparison. `--scale`: runs from 10 calls upwards (10, 100, 200, 250, 300, ...
 * up to `--max`, default 1000) until a run misses the bar, to show how cost grows with N.
 * `--cpu-prof` / `--perf-map` profile the bridge; `--node-flag <flag>` (repeatable) passes a flag
 * to the bridge's node; `--no-baseline` skips the relay; `--workers N` runs the bridge with
 * BRIDGE_WORKERS=N (its CPU and memory are then the primary's and every worker's together).
 */

/** The bar each run is held to: nothing lost, p99 added latency and loop delay within 20 ms. */
const LATENCY_BAR_MS = 20;

function flag(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
}

export function meetsBar(run: BridgeLoadResult): boolean {
  return (
    run.frames.lostInbound === 0 &&
    run.frames.lostOutbound === 0 &&
    run.inboundLatencyMs.p99 <= LATENCY_BAR_MS &&
    run.outboundLatencyMs.p99 <= LATENCY_BAR_MS &&
    run.eventLoopDelayP99Ms <= LATENCY_BAR_MS
  );
}

const ms = (n: number) => n.toFixed(2);

function printRun(run: BridgeLoadResult, relay?: RelayBaseline): void {
  const rows: (string | number)[][] = [
    ['bridge CPU per call-second (µs)', run.cpuMicrosPerCallSecond],
    ['  of which user / kernel (µs)', `${run.userMicrosPerCallSecond} / ${run.kernelMicrosPerCallSecond}`],
    ['calls per bridge core', run.callsPerCore],
    ['bridge RSS per call (KiB)', run.rssPerCallKiB],
    ['frames sent in / out', `${run.frames.inboundSent} / ${run.frames.outboundSent}`],
    ['frames lost in / out', `${run.frames.lostInbound} / ${run.frames.lostOutbound}`],
    ['frames late (> 20 ms) in / out', `${run.frames.inboundLate} / ${run.frames.outboundLate}`],
    ['added latency inbound p50 / p99 (ms)', `${ms(run.inboundLatencyMs.p50)} / ${ms(run.inboundLatencyMs.p99)}`],
    ['added latency outbound p50 / p99 (ms)', `${ms(run.outboundLatencyMs.p50)} / ${ms(run.outboundLatencyMs.p99)}`],
    ['event-loop delay p99 (ms, beyond the 10 ms sampling timer)', ms(run.eventLoopDelayP99Ms)],
    [
      'simulators + load generator CPU (cores) / their loop delay p99 (ms)',
      `${run.generatorCores} / ${ms(run.generatorLoopDelayP99Ms)}`,
    ],
    ['greeting latency p50 / p99 (ms)', `${ms(run.greetingLatencyMs.p50)} / ${ms(run.greetingLatencyMs.p99)}`],
    ['meets the bar (0 lost, p99s <= 20 ms)', meetsBar(run) ? 'yes' : 'NO'],
  ];
  if (relay) {
    rows.push(
      ['bare ws relay CPU per call-second (µs)', relay.cpuMicrosPerCallSecond],
      ['bare ws relay calls per core', relay.callsPerCore],
      ['bridge cost / relay cost', (run.cpuMicrosPerCallSecond / relay.cpuMicrosPerCallSecond).toFixed(2)],
    );
  }
  printTable(
    `Load test: ${run.calls} concurrent agent calls, ${run.seconds} s of continuous two-way audio, ${run.workers} worker(s) (bridge process figures)`,
    ['measure', 'value'],
    rows,
  );
}

async function single(argv: string[]): Promise<void> {
  const calls = flag(argv, 'calls', 100);
  const seconds = flag(argv, 'seconds', 20);
  const nodeFlags = argv.flatMap((arg, i) => (argv[i - 1] === '--node-flag' ? [arg] : []));
  const run = await runBridgeLoad(calls, seconds, {
    cpuProfile: argv.includes('--cpu-prof'),
    perfMap: argv.includes('--perf-map'),
    nodeFlags,
    workers: flag(argv, 'workers', 1),
  });
  const relay = argv.includes('--no-baseline') ? undefined : await measureRelayBaseline(calls, seconds);
  printRun(run, relay);
  process.stdout.write(`\n${JSON.stringify({ ...run, meetsBar: meetsBar(run), relayBaseline: relay })}\n`);
}

async function scale(argv: string[]): Promise<void> {
  const seconds = flag(argv, 'seconds', 15);
  const max = flag(argv, 'max', 1000);
  const steps = [10, 100, 200, 250, 300, 400, 500, 600, 800, 1000].filter((n) => n <= max);
  const runs: { run: BridgeLoadResult; relay?: RelayBaseline }[] = [];
  for (const calls of steps) {
    process.stderr.write(`scaling run: ${calls} calls\n`);
    const run = await runBridgeLoad(calls, seconds, { workers: flag(argv, 'workers', 1) }).catch((error: unknown) => {
      process.stderr.write(
        `  ${calls} calls could not be held: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return undefined;
    });
    if (!run) break;
    const relay = argv.includes('--no-baseline') ? undefined : await measureRelayBaseline(calls, seconds);
    runs.push({ run, relay });
    if (!meetsBar(run)) break;
  }
  const held = runs.filter(({ run }) => meetsBar(run)).map(({ run }) => run.calls);
  printTable(
    `Scaling: bridge cost as concurrent calls grow (${seconds} s each; stops at the first run that misses the bar)`,
    [
      'calls',
      'µs/call-s',
      'user / kernel',
      'calls/core',
      'RSS KiB/call',
      'p99 in / out ms',
      'loop p99 ms',
      'lost',
      'generator cores',
      'relay µs/call-s',
      'bar',
    ],
    runs.map(({ run, relay }) => [
      run.calls,
      run.cpuMicrosPerCallSecond,
      `${run.userMicrosPerCallSecond} / ${run.kernelMicrosPerCallSecond}`,
      run.callsPerCore,
      run.rssPerCallKiB,
      `${ms(run.inboundLatencyMs.p99)} / ${ms(run.outboundLatencyMs.p99)}`,
      ms(run.eventLoopDelayP99Ms),
      run.frames.lostInbound + run.frames.lostOutbound,
      run.generatorCores,
      relay?.cpuMicrosPerCallSecond ?? '-',
      meetsBar(run) ? 'met' : 'MISSED',
    ]),
  );
  process.stdout.write(`\nlargest N held to the bar on this machine: ${held.length ? Math.max(...held) : 'none'}\n`);
  process.stdout.write(
    `\n${JSON.stringify({ scaling: runs.map(({ run, relay }) => ({ ...run, meetsBar: meetsBar(run), relayBaseline: relay })), largestHeld: held.length ? Math.max(...held) : 0 })}\n`,
  );
}

const argv = process.argv.slice(2);
(argv.includes('--scale') ? scale(argv) : single(argv)).catch((error: unknown) => {
  process.stderr.write(`loadtest failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
