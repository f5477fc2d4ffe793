import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { answeredByFromTwilio, statusFromTwilio } from '../calls/call-state';
import type { CallLifecycle } from '../calls/call-lifecycle';
import type { CallTransfers } from '../calls/call-transfers';
import type { CallRecordings } from '../calls/call-recordings';
import { inboundCallId, isCallSid, type InboundRouter } from '../calls/inbound-router';
import { BridgeError } from '../shared/errors';
import { isId } from '../shared/ids';
import { routeSchema } from './openapi';
import type { TwilioForm } from './twilio-scope';
import { hangupTwiml } from '../twilio/twiml';

const callbackQuery = z.object({
  callId: z.string().optional().describe('the call the bridge placed (inbound calls: found from CallSid)'),
});

/**
 * The call a callback is about: the `callId` the bridge put in the callback URL, or, for an
 * inbound call's status callback (set on the number, without one), the call made for its CallSid.
 */
function callbackCall(request: FastifyRequest): { callId: string; form: TwilioForm } {
  const form = (request.body ?? {}) as TwilioForm;
  const named = (request.query as Record<string, string | undefined>).callId;
  const callId = named ?? (isCallSid(form.CallSid) ? inboundCallId(form.CallSid) : undefined);
  if (!isId('call', callId))
    throw new BridgeError('CALL_NOT_FOUND', 'The callback URL names no call the bridge placed.');
  return { callId, form };
}

/** Twilio's status and answering-machine callbacks (registered in the signed /twilio scope). */
export function registerTwilioRoutes(
  twilio: FastifyInstance,
  calls: CallLifecycle,
  transfers: CallTransfers,
  inbound: InboundRouter,
  recordings: CallRecordings,
): void {
  twilio.post(
    '/incoming',
    {
      schema: routeSchema({
        summary:
          "Your Twilio number's voice webhook: an incoming call, answered as its inbound route says (TwiML reply)",
        tags: ['twilio'],
        auth: 'twilio-signature',
        response: { 200: null },
      }),
    },
    async (request, reply) => reply.type('text/xml').send(await inbound.answer((request.body ?? {}) as TwilioForm)),
  );
  const doc = (summary: string) => ({
    schema: routeSchema({
      summary,
      tags: ['twilio'],
      auth: 'twilio-signature',
      querystring: callbackQuery,
      response: { 204: null },
    }),
  });
  twilio.post('/status', doc("Twilio's call status callback"), async (request, reply) => {
    const { callId, form } = callbackCall(request);
    const status = statusFromTwilio(form.CallStatus ?? '');
    if (!status) throw new BridgeError('VALIDATION_FAILED', `Unknown CallStatus ${JSON.stringify(form.CallStatus)}.`);
    const duration = Number(form.CallDuration);
    const at =
      form.Timestamp && !Number.isNaN(Date.parse(form.Timestamp))
        ? new Date(form.Timestamp).toISOString()
        : new Date().toISOString();
    const outcome = await calls.observe(callId, {
      status,
      at,
      twilioCallSid: form.CallSid,
      durationSec: Number.isFinite(duration) && form.CallDuration ? duration : undefined,
    });
    // Held for a store outage counts as taken: it is written, in order, when the store is back.
    if (outcome === 'unknown-call') throw new BridgeError('CALL_NOT_FOUND');
    if (form.AnsweredBy) await calls.onAnsweredBy(callId, answeredByFromTwilio(form.AnsweredBy) ?? 'unknown');
    return reply.status(204).send();
  });

  twilio.post('/amd', doc("Twilio's asynchronous answering-machine detection result"), async (request, reply) => {
    const { callId, form } = callbackCall(request);
    const answeredBy = answeredByFromTwilio(form.AnsweredBy);
    if (!answeredBy) throw new BridgeError('VALIDATION_FAILED', 'AnsweredBy is missing.');
    await calls.onAnsweredBy(callId, answeredBy);
    return reply.status(204).send();
  });
  twilio.post(
    '/recording-status',
    doc("Twilio's recording-status callback: the recording's SID, duration and channels"),
    async (request, reply) => {
      const { callId, form } = callbackCall(request);
      await recordings.arrived(callId, form);
      return reply.status(204).send();
    },
  );
  const dialDoc = {
    schema: routeSchema({
      summary: 'The <Dial> action of a transcribe call: how the dial to the party ended (TwiML reply: hang up)',
      tags: ['twilio'],
      auth: 'twilio-signature',
      querystring: callbackQuery,
      response: { 200: null },
    }),
  };
  twilio.post('/dial', dialDoc, async (request, reply) => {
    const { callId, form } = callbackCall(request);
    await calls.dialEnded(callId, form.DialCallStatus ?? '');
    return reply.type('text/xml').send(hangupTwiml());
  });

  const twimlDoc = (summary: string) => ({
    schema: routeSchema({
      summary,
      tags: ['twilio'],
      auth: 'twilio-signature',
      querystring: callbackQuery,
      response: { 200: null },
    }),
  });
  twilio.post(
    '/transfer',
    twimlDoc("A warm transfer's <Dial> action: nobody answered brings the caller back to the agent (TwiML reply)"),
    async (request, reply) => {
      const { callId, form } = callbackCall(request);
      return reply.type('text/xml').send(await transfers.dialEnded(callId, form.DialCallStatus ?? ''));
    },
  );
  twilio.post(
    '/whisper',
    twimlDoc("A warm transfer's <Number url>: the person answered and hears the agent's summary first (TwiML reply)"),
    async (request, reply) => {
      const { callId } = callbackCall(request);
      return reply.type('text/xml').send(await transfers.whisper(callId));
    },
  );
}
