import cluster from 'node:cluster';
import { createBridge, StartupError, type Bridge } from './bridge';
import { ConfigError, loadConfig, type BridgeConfig } from './config/load-config';
import { createLogger, type Logger } from './shared/logger';
import { startSandbox, type Sandbox } from './sandbox/start';
import { inheritedServices, runWorkers } from './workers';

function describeMode(config: BridgeConfig): string {
  const store = config.redis?.clusterNodes
    ? 'Redis Cluster store'
    : config.redis
      ? 'Redis store'
      : 'in-memory store (one instance; nothing survives a restart)';
  if (!config.sandbox) return `live mode: Twilio account ${config.twilio?.accountSid}, ${store}`;
  const auth = config.apiKey ? 'API key required' : 'API open (no BRIDGE_API_KEY set)';
  return `sandbox mode: simulated carrier, agent and recogniser; ${store}; ${auth}`;
}

/** One line for a start-up that cannot go on, or undefined for a bug (thrown on). */
function startupFailure(error: unknown, config: BridgeConfig): string | undefined {
  if (error instanceof StartupError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return `port ${config.port} on ${config.host} is already in use; stop what holds it, or set PORT to another port`;
  if (code === 'EACCES') return `not allowed to listen on port ${config.port}; set PORT to a port above 1023`;
  if (code === 'EADDRNOTAVAIL')
    return `this machine has no address ${config.host}; set HOST (0.0.0.0 listens on every address)`;
  return undefined;
}

/**
 * Signals that arrive while the bridge starts are held (not the default of dying at once) and
 * acted on once there is something to stop; the returned function hands them to `stop`.
 */
function holdSignals(): (stop: (signal: NodeJS.Signals) => void) => void {
  let received: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => (received ??= signal);
  process.on('SIGTERM', hold);
  process.on('SIGINT', hold);
  return (stop) => {
    process.off('SIGTERM', hold);
    process.off('SIGINT', hold);
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    if (received) stop(received);
  };
}

/** `npm start`: load configuration, start the bridge, stop gracefully on SIGTERM/SIGINT. */
export async function main(): Promise<void> {
  let config: BridgeConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`voice-bridge: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  const format = config.logFormat === 'auto' ? (process.stdout.isTTY ? 'pretty' : 'json') : config.logFormat;
  const root: Logger = createLogger({ level: config.logLevel, format });
  const handSignalsTo = holdSignals();
  if (config.workers > 1 && cluster.isPrimary) {
    root.info({ sandbox: config.sandbox }, describeMode(config));
    return runWorkers(config, root, () => startSandbox(config, root), handSignalsTo);
  }
  const log = cluster.isWorker ? root.child({ worker: cluster.worker?.id }) : root;
  if (cluster.isPrimary) log.info({ sandbox: config.sandbox }, describeMode(config));
  if (!config.sandbox && !config.redis)
    log.warn('REDIS_URL is not set: calls and pending deliveries live in memory and are lost on restart');
  let sandbox: Sandbox | undefined;
  let bridge: Bridge | undefined;
  let url: string;
  try {
    // The simulators stand in for whatever the configuration leaves out (everything in sandbox mode).
    const inherited = inheritedServices();
    sandbox = inherited ? { services: inherited, close: async () => undefined } : await startSandbox(config, log);
    bridge = await createBridge(config, log, sandbox.services);
    url = await bridge.listen();
  } catch (error) {
    const reason = startupFailure(error, config);
    if (!reason) throw error;
    process.stderr.write(`voice-bridge: ${reason}\n`);
    await bridge?.shutdown(0).catch(() => undefined);
    await sandbox?.close().catch(() => undefined);
    process.exit(1);
  }
  log.info({ url, modes: bridge.modes }, `voice bridge listening on ${url}`);

  let stopping = false;
  handSignalsTo((signal) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceSec: config.shutdownGraceSec }, 'shutting down: no new calls; letting active calls finish');
    bridge!
      .shutdown()
      .then(() => sandbox!.close())
      .then(
        () => log.info('stopped'),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exitCode = 1;
        },
      )
      // Everything is closed and flushed; don't wait on idle keep-alive sockets of clients.
      .finally(() => process.exit());
  });
}
