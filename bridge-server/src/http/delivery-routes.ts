import type { FastifyInstance } from 'fastify';
import type { SubscriptionService } from '../delivery/subscriptions';
import type { WaiterService } from '../delivery/waiters';
import { BridgeError } from '../errors';
import type { DeliveryStore } from '../store/delivery-store';

export interface DeliveryRouteOptions {
  subscriptions: SubscriptionService;
  waiters: WaiterService;
  store: DeliveryStore;
  wakeWorker: () => void;
}

/** Subscriptions, waiters and dead letters. */
export function registerDeliveryRoutes(app: FastifyInstance, options: DeliveryRouteOptions): void {
  const { subscriptions, waiters, store } = options;

  app.post('/v1/subscriptions', async (request, reply) => reply.status(201).send(await subscriptions.create(request.body)));
  app.get('/v1/subscriptions', async () => ({ subscriptions: await subscriptions.list() }));
  app.get<{ Params: { id: string } }>('/v1/subscriptions/:id', async (request) => subscriptions.get(request.params.id));
  app.delete<{ Params: { id: string } }>('/v1/subscriptions/:id', async (request, reply) => {
    await subscriptions.delete(request.params.id);
    return reply.status(204).send();
  });

  app.post('/v1/waiters', async (request, reply) => reply.status(201).send(await waiters.register(request.body)));
  app.get<{ Params: { id: string } }>('/v1/waiters/:id', async (request) => waiters.get(request.params.id));

  app.get('/v1/dead-letters', async (request) => {
    const limit = Number((request.query as { limit?: string }).limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BridgeError('VALIDATION_FAILED', 'limit must be a whole number from 1 to 1000.');
    const dead = await store.listDeadLetters(limit);
    return { deadLetters: dead.map(({ target, body: _body, ...rest }) => ({ ...rest, target: { kind: target.kind, id: target.id, url: target.url } })) };
  });
  app.post<{ Params: { id: string } }>('/v1/dead-letters/:id/replay', async (request, reply) => {
    if (!(await store.replayDeadLetter(request.params.id))) throw new BridgeError('DEAD_LETTER_NOT_FOUND');
    options.wakeWorker();
    return reply.status(202).send({ replayed: request.params.id });
  });
}
