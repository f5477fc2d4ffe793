import { createBridge } from './bridge';
import { ConfigError, loadConfig, type BridgeConfig } from './config';
import { createLogger, type Logger } from './logger';

function describeMode(config: BridgeConfig): string {
  const store = config.redisUrl ? 'Redis store' : 'in-memory store (one instance; nothing survives a restart)';
  if (!config.sandbox) return `live mode: Twilio account ${config.twilio?.accountSid}, ${store}`;
  const auth = config.apiKey ? 'API key required' : 'API open (no BRIDGE_API_KEY set)';
  return `sandbox mode: simulated carrier, agent and recogniser; ${store}; ${auth}`;
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
  const log: Logger = createLogger({ level: config.logLevel });
  log.info({ sandbox: config.sandbox }, describeMode(config));
  if (!config.sandbox && !config.redisUrl) log.warn('REDIS_URL is not set: calls and pending deliveries live in memory and are lost on restart');
  const bridge = await createBridge(config, log);
  const url = await bridge.listen();
  log.info({ url, modes: bridge.modes }, `voice bridge listening on ${url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceSec: config.shutdownGraceSec }, 'shutting down: no new calls; letting active calls finish');
    bridge.shutdown().then(
      () => {
        log.info('stopped');
        // Everything is closed and flushed; don't wait on idle keep-alive sockets of clients.
        process.exit();
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
