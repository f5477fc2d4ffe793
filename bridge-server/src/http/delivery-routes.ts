import type { FastifyInstance } from 'fastify';
import type { SubscriptionService } from '../delivery/subscriptions';
import type { WaiterService } from '../delivery/waiters';
import { BridgeError, parseRequestBody, type ErrorCode } from '../shared/errors';
import { z } from 'zod';
import { isDeadLetterId, isId, type IdKind } from '../shared/ids';
import { routeSchema, type RouteDoc } from './openapi';
import {
  deadLetters,
  idParams,
  replayed,
  subscription,
  subscriptionCreated,
  subscriptionList,
  waiter,
  waiterCreated,
} from './response-schemas';

const deadLetterQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict();
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
  const requests = subscriptions.requestSchemas;
  const doc = (summary: string, rest: Omit<RouteDoc, 'summary' | 'tags' | 'auth'>) => ({
    schema: routeSchema({ summary, tags: ['delivery'], auth: 'api-key', ...rest }),
  });

  v1.post(
    '/subscriptions',
    doc('Deliver events to a URL until deleted', {
      body: requests.subscription,
      response: { 201: subscriptionCreated },
    }),
    async (request, reply) => reply.status(201).send(await subscriptions.create(request.body)),
  );
  v1.get(
    '/subscriptions',
    doc('List subscriptions (without their secrets)', { response: { 200: subscriptionList } }),
    async () => ({ subscriptions: await subscriptions.list() }),
  );
  v1.get(
    '/subscriptions/:id',
    doc('A subscription (without its secret)', { params: idParams, response: { 200: subscription } }),
    async (request) => subscriptions.get(idParam(request.params, 'sub', 'SUBSCRIPTION_NOT_FOUND')),
  );
  v1.delete(
    '/subscriptions/:id',
    doc('Remove a subscription', { params: idParams, response: { 204: null } }),
    async (request, reply) => {
      await subscriptions.delete(idParam(request.params, 'sub', 'SUBSCRIPTION_NOT_FOUND'));
      return reply.status(204).send();
    },
  );

  v1.post(
    '/waiters',
    doc('One delivery when every listed call has ended (or at the timeout)', {
      body: requests.waiter,
      response: { 201: waiterCreated },
    }),
    async (request, reply) => reply.status(201).send(await waiters.register(request.body)),
  );
  v1.get(
    '/waiters/:id',
    doc('A waiter (without its secret)', { params: idParams, response: { 200: waiter } }),
    async (request) => waiters.get(idParam(request.params, 'wtr', 'WAITER_NOT_FOUND')),
  );

  v1.get(
    '/dead-letters',
    doc('Deliveries given up on', { querystring: deadLetterQuery, response: { 200: deadLetters } }),
    async (request) => {
      const { limit } = parseRequestBody(deadLetterQuery, request.query ?? {}, 'dead-letter query');
      const dead = await store.listDeadLetters(limit);
      return {
        deadLetters: dead.map(({ target, body: _body, ...rest }) => ({
          ...rest,
          target: { kind: target.kind, id: target.id, url: target.url },
        })),
      };
    },
  );
  v1.post(
    '/dead-letters/:id/replay',
    {
      config: { bodyless: true },
      ...doc('Queue a dead letter again, with a fresh 24 h window', { params: idParams, response: { 202: replayed } }),
    },
    async (request, reply) => {
      const id = (request.params as { id?: string }).id;
      if (!isDeadLetterId(id) || !(await store.replayDeadLetter(id))) throw new BridgeError('DEAD_LETTER_NOT_FOUND');
      options.wakeWorker();
      return reply.status(202).send({ replayed: id });
    },
  );
}
