import type { FastifyInstance, FastifyRequest } from 'fastify';
import { answeredByFromTwilio, statusFromTwilio } from '../calls/call-state';
import type { CallService } from '../calls/call-service';
import { BridgeError } from '../errors';
import type { Logger } from '../logger';
import { isValidTwilioSignature, TWILIO_SIGNATURE_HEADER } from '../twilio/twilio-signature';

type Form = Record<string, string>;

export interface TwilioRouteOptions {
  calls: CallService;
  authToken: () => string;
  publicUrl: () => string;
  log: Logger;
}

/**
 * Twilio's callbacks. Each must be signed for the URL built from PUBLIC_URL (path and query as
 * requested); anything else is refused with 403 before it can change a call.
 */
export function registerTwilioRoutes(app: FastifyInstance, options: TwilioRouteOptions): void {
  const { calls, log } = options;

  function verified(request: FastifyRequest): { callId: string; form: Form } {
    const form = (request.body ?? {}) as Form;
    const signature = request.headers[TWILIO_SIGNATURE_HEADER];
    const url = `${options.publicUrl()}${request.url}`;
    if (!isValidTwilioSignature(options.authToken(), typeof signature === 'string' ? signature : undefined, url, form)) {
      log.warn({ url: request.url }, 'refused a Twilio callback with a missing or invalid signature');
      throw new BridgeError('TWILIO_SIGNATURE_INVALID');
    }
    const callId = (request.query as Record<string, string | undefined>).callId;
    if (!callId) throw new BridgeError('VALIDATION_FAILED', 'callId is missing from the callback URL.');
    return { callId, form };
  }

  app.post('/twilio/status', async (request, reply) => {
    const { callId, form } = verified(request);
    const status = statusFromTwilio(form.CallStatus ?? '');
    if (!status) throw new BridgeError('VALIDATION_FAILED', `Unknown CallStatus ${JSON.stringify(form.CallStatus)}.`);
    const duration = Number(form.CallDuration);
    const at = form.Timestamp && !Number.isNaN(Date.parse(form.Timestamp)) ? new Date(form.Timestamp).toISOString() : new Date().toISOString();
    const updated = await calls.observe(callId, { status, at, twilioCallSid: form.CallSid, durationSec: Number.isFinite(duration) && form.CallDuration ? duration : undefined });
    if (!updated) throw new BridgeError('CALL_NOT_FOUND');
    if (form.AnsweredBy) await calls.onAnsweredBy(callId, answeredByFromTwilio(form.AnsweredBy) ?? 'unknown');
    return reply.status(204).send();
  });

  app.post('/twilio/amd', async (request, reply) => {
    const { callId, form } = verified(request);
    const answeredBy = answeredByFromTwilio(form.AnsweredBy);
    if (!answeredBy) throw new BridgeError('VALIDATION_FAILED', 'AnsweredBy is missing.');
    if (!(await calls.getRecord(callId))) throw new BridgeError('CALL_NOT_FOUND');
    await calls.onAnsweredBy(callId, answeredBy);
    return reply.status(204).send();
  });
}
