import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { CallMode } from '../wire-types';

export interface Readiness {
  /** Resolves when the store answers; rejects otherwise. */
  checkStore(): Promise<void>;
  modes: readonly CallMode[];
  sandbox: boolean;
  acceptingCalls(): boolean;
}

/** Liveness, readiness and Prometheus metrics; none of them needs the API key. */
export function registerHealthRoutes(app: FastifyInstance, readiness: Readiness, metrics: Registry): void {
  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_request, reply) => {
    let store = 'ok';
    try {
      await readiness.checkStore();
    } catch {
      store = 'unavailable';
    }
    const accepting = readiness.acceptingCalls();
    const ready = store === 'ok' && accepting;
    return reply.status(ready ? 200 : 503).send({ ready, store, acceptingCalls: accepting, sandbox: readiness.sandbox, modes: readiness.modes });
  });

  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
}
