import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { InboundRegistrations } from '../calls/inbound-registrations';
import { routeSchema } from './openapi';

const idParams = z.object({ id: z.string().describe("the route's id (the Incoming Call trigger: workflow and node)") });

const routeView = z.object({
  id: z.string(),
  url: z.string(),
  numbers: z.array(z.string()),
  fallback: z.record(z.string(), z.unknown()).optional(),
  registeredAt: z.string(),
});

/** `/v1/inbound-routes`: register, list and remove who decides how inbound calls are handled. */
export function registerInboundRouteRoutes(v1: FastifyInstance, routes: InboundRegistrations): void {
  v1.put(
    '/inbound-routes/:id',
    {
      schema: routeSchema({
        summary: 'Register an inbound route for some of your numbers (or all), or replace it',
        tags: ['inbound'],
        auth: 'api-key',
        params: idParams,
        body: routes.bodySchema,
        response: { 200: routeView.extend({ secret: z.string() }) },
      }),
    },
    async (request) => routes.register((request.params as { id?: string }).id, request.body),
  );
  v1.get(
    '/inbound-routes',
    {
      schema: routeSchema({
        summary: 'List the inbound routes',
        tags: ['inbound'],
        auth: 'api-key',
        response: { 200: z.object({ routes: z.array(routeView) }) },
      }),
    },
    async () => ({ routes: await routes.list() }),
  );
  v1.delete(
    '/inbound-routes/:id',
    {
      schema: routeSchema({
        summary: 'Remove an inbound route',
        tags: ['inbound'],
        auth: 'api-key',
        params: idParams,
        response: { 204: null },
      }),
    },
    async (request, reply) => {
      await routes.remove((request.params as { id?: string }).id);
      return reply.status(204).send();
    },
  );
}
