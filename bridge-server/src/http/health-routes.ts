import type { FastifyInstance } from 'fastify';
import type { CallMode } from '../shared/wire-types';
import { routeSchema, type RouteDoc } from './openapi';
import { health, readiness as readinessSchema } from './response-schemas';

export interface Readiness {
  /** Resolves when the store answers; rejects otherwise. */
  checkStore(): Promise<void>;
  modes: readonly CallMode[];
  sandbox: boolean;
  acceptingCalls(): boolean;
}

/** Liveness, readiness and Prometheus metrics; none of them needs the API key. */
/** What /metrics serves (a prom-client Registry, or every worker's registries together). */
export interface MetricsText {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export function registerHealthRoutes(app: FastifyInstance, readiness: Readiness, metrics: MetricsText): void {
  const doc = (summary: string, response: RouteDoc['response']) => ({
    schema: routeSchema({ summary, tags: ['health'], auth: 'none', response }),
  });
  app.get('/healthz', doc('Liveness', { 200: health }), async () => ({ ok: true }));

  app.get(
    '/readyz',
    doc('Readiness: 200 when the store answers and calls are taken; lists the modes', {
      200: readinessSchema,
      503: readinessSchema,
    }),
    async (_request, reply) => {
      let store = 'ok';
      try {
        await readiness.checkStore();
      } catch {
        store = 'unavailable';
      }
      const accepting = readiness.acceptingCalls();
      const ready = store === 'ok' && accepting;
      return reply
        .status(ready ? 200 : 503)
        .send({ ready, store, acceptingCalls: accepting, sandbox: readiness.sandbox, modes: readiness.modes });
    },
  );

  app.get('/metrics', doc('Prometheus metrics (text format)', { 200: null }), async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.metrics()),
  );
}
