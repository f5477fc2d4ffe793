import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { RegisteredTools } from '../calls/registered-tools';
import { routeSchema } from './openapi';

const nameParams = z.object({ name: z.string().describe('the tool name the model sees') });

const toolView = z.object({
  name: z.string(),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  url: z.string(),
  timeoutSec: z.number().optional(),
  keepTalking: z.boolean().optional(),
  registeredAt: z.string(),
});

/** `/v1/tools`: register, list and remove tools calls can use by name. */
export function registerToolRoutes(v1: FastifyInstance, tools: RegisteredTools): void {
  v1.put(
    '/tools/:name',
    {
      schema: routeSchema({
        summary: 'Register a tool (or replace its definition)',
        tags: ['tools'],
        auth: 'api-key',
        params: nameParams,
        body: tools.bodySchema,
        response: { 200: toolView.extend({ secret: z.string() }) },
      }),
    },
    async (request) => tools.register((request.params as { name?: string }).name, request.body),
  );
  v1.get(
    '/tools',
    {
      schema: routeSchema({
        summary: 'List the registered tools',
        tags: ['tools'],
        auth: 'api-key',
        response: { 200: z.object({ tools: z.array(toolView) }) },
      }),
    },
    async () => ({ tools: await tools.list() }),
  );
  v1.delete(
    '/tools/:name',
    {
      schema: routeSchema({
        summary: 'Remove a registered tool',
        tags: ['tools'],
        auth: 'api-key',
        params: nameParams,
        response: { 204: null },
      }),
    },
    async (request, reply) => {
      await tools.remove((request.params as { name?: string }).name);
      return reply.status(204).send();
    },
  );
}
