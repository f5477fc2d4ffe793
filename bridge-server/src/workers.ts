import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { BridgeConfig } from './config/load-config';
import type { ServiceSettings } from './config/service-settings';
import type { MetricsText } from './http/health-routes';
import type { Logger } from './shared/logger';

const METRICS_REQUEST = 'voicebridge:metrics';
/** How a worker learns the services the primary reaches (its simulators, in sandbox mode). */
const SERVICES_ENV = 'VOICE_BRIDGE_WORKER_SERVICES';

/** The services every worker talks to, started once by the primary (simulators in sandbox mode). */
export interface SharedServices {
  readonly services: ServiceSettings;
  close(): Promise<void>;
}

/**
 * BRIDGE_WORKERS > 1: this process forks that many workers, each a whole bridge instance on the
 * same port (node:cluster hands each new connection to a worker in turn). Each worker owns its
 * calls and beats as an instance of its own, so delivery, waiters, live feeds and finishing a
 * dead worker's calls work across them through Redis as across machines. A worker that dies is
 * replaced; SIGTERM/SIGINT drains every worker, and this process exits when all have. In sandbox
 * mode the simulators run here, once, so every worker talks to the same carrier (and a callback
 * that reaches another worker than the caller's is signed as it expects).
 */
export async function runWorkers(
  config: BridgeConfig,
  log: Logger,
  startServices: () => Promise<SharedServices>,
  handSignalsTo: (stop: (signal: NodeJS.Signals) => void) => void,
): Promise<void> {
  const shared = await startServices();
  // Functions do not cross processes: simulated incoming calls are for single-process sandboxes.
  const env = { [SERVICES_ENV]: JSON.stringify({ ...shared.services, simulateIncoming: undefined }) };
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  const fork = () => {
    const worker = cluster.fork(env);
    worker.on('message', (message: { type?: string; id?: number }) => {
      if (message?.type !== METRICS_REQUEST) return;
      aggregator.clusterMetrics().then(
        (text) => worker.send({ type: METRICS_REQUEST, id: message.id, text }),
        (error: unknown) => worker.send({ type: METRICS_REQUEST, id: message.id, error: String(error) }),
      );
    });
  };
  for (let i = 0; i < config.workers; i++) fork();
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === config.workers) log.info({ workers: config.workers }, 'every bridge worker is listening');
  });
  log.info({ workers: config.workers, port: config.port }, `started ${config.workers} bridge workers`);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0)
        void shared.close().finally(() => process.exit(process.exitCode));
      return;
    }
    log.error(
      { worker: worker.id, code, signal },
      'a bridge worker died; starting another (the others finish its calls)',
    );
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping every worker (each drains its calls)');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  handSignalsTo(stop);
}

/** In a worker: the services the primary started for every worker, if it did. */
export function inheritedServices(): ServiceSettings | undefined {
  const raw = process.env[SERVICES_ENV];
  return raw ? (JSON.parse(raw) as ServiceSettings) : undefined;
}

/** In a worker, /metrics answers for every worker: the primary gathers their registries. */
export function metricsSource(registry: Registry): MetricsText {
  if (!cluster.isWorker) return registry;
  // Constructing one is what makes prom-client answer the primary's requests in this worker.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let next = 0;
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  process.on('message', (message: { type?: string; id?: number; text?: string; error?: string }) => {
    const waiting = message?.type === METRICS_REQUEST ? pending.get(message.id ?? -1) : undefined;
    if (!waiting) return;
    pending.delete(message.id!);
    if (message.error !== undefined) waiting.reject(new Error(message.error));
    else waiting.resolve(message.text ?? '');
  });
  return {
    contentType: registry.contentType,
    metrics: () =>
      new Promise<string>((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        process.send?.({ type: METRICS_REQUEST, id });
      }),
  };
}
