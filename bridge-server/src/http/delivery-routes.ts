import type { FastifyInstance } from 'fastify';
import type { SubscriptionService } from '../delivery/subscriptions';
import type { WaiterService } from '../delivery/waiters';
import { BridgeError, type ErrorCode } from '../errors';
import { isDeadLetterId, isId, type IdKind } from '../ids';
import type { DeliveryStore } from '../store/delivery-store';

export interface DeliveryRouteOptions {
  subscriptions: SubscriptionService;
  waiters: WaiterService;
  store: DeliveryStore;
  wakeWorker: () => void;
}

function idParam(params: unknown, kind: IdKind, notFound: ErrorCode): string {
  const id = (params as { id?: string }).id;
  if (!isId(kind, id)) throw new BridgeError(notFound);
  return id;
}

/** Subscriptions, waiters and dead letters, under /v1. */
export function registerDeliveryRoutes(v1: FastifyInstance, options: DeliveryRouteOptions): void {
  const { subscriptions, waiters, store } = options;

  v1.post('/subscriptions', async (request, reply) => reply.status(201).send(await subscriptions.create(request.body)));
  v1.get('/subscriptions', async () => ({ subscriptions: await subscriptions.list() }));
  v1.get('/subscriptions/:id', async (request) => subscriptions.get(idParam(request.params, 'sub', 'SUBSCRIPTION_NOT_FOUND')));
  v1.delete('/subscriptions/:id', async (request, reply) => {
    await subscriptions.delete(idParam(request.params, 'sub', 'SUBSCRIPTION_NOT_FOUND'));
    return reply.status(204).send();
  });

  v1.post('/waiters', async (request, reply) => reply.status(201).send(await waiters.register(request.body)));
  v1.get('/waiters/:id', async (request) => waiters.get(idParam(request.params, 'wtr', 'WAITER_NOT_FOUND')));

  v1.get('/dead-letters', async (request) => {
    const limit = Number((request.query as { limit?: string }).limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BridgeError('VALIDATION_FAILED', 'limit must be a whole number from 1 to 1000.');
    const dead = await store.listDeadLetters(limit);
    return { deadLetters: dead.map(({ target, body: _body, ...rest }) => ({ ...rest, target: { kind: target.kind, id: target.id, url: target.url } })) };
  });
  v1.post('/dead-letters/:id/replay', { config: { bodyless: true } }, async (request, reply) => {
    const id = (request.params as { id?: string }).id;
    if (!isDeadLetterId(id) || !(await store.replayDeadLetter(id))) throw new BridgeError('DEAD_LETTER_NOT_FOUND');
    options.wakeWorker();
    return reply.status(202).send({ replayed: id });
  });
}
