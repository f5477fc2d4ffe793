import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { e164 } from '../calls/call-request';
import { inboundCallId } from '../calls/inbound-router';
import type { CallService } from '../calls/call-service';
import { parseRequestBody } from '../shared/errors';
import { routeSchema } from './openapi';
import { callResource } from './response-schemas';

const incomingBody = z
  .object({
    from: e164.default('+15550100200').describe('who is calling (default +15550100200)'),
    to: e164.optional().describe("the number called: one of the account's (default the sandbox's own number)"),
    callerName: z.string().trim().min(1).max(100).optional().describe("what Twilio's caller-name lookup would say"),
  })
  .strict();

/** Sandbox mode only: someone calls in; the simulated carrier posts the voice webhook as Twilio does. */
export type SimulateIncoming = (call: { from: string; to: string; callerName?: string }) => Promise<string>;

/** `/v1/sandbox/*`: only registered when the bridge runs with the sandbox's carrier. */
export function registerSandboxRoutes(
  v1: FastifyInstance,
  simulate: SimulateIncoming,
  calls: CallService,
  ownNumber: string,
): void {
  v1.post(
    '/sandbox/incoming',
    {
      schema: routeSchema({
        summary: 'Simulate an incoming call: the sandbox carrier rings your number as Twilio would (sandbox only)',
        tags: ['sandbox'],
        auth: 'api-key',
        body: incomingBody,
        response: { 201: callResource },
      }),
    },
    async (request, reply) => {
      const body = parseRequestBody(incomingBody, request.body ?? {}, 'incoming call');
      const sid = await simulate({ from: body.from, to: body.to ?? ownNumber, callerName: body.callerName });
      return reply.status(201).send(await calls.getCall(inboundCallId(sid)));
    },
  );
}
