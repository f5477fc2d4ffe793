import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BridgeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { isValidTwilioSignature, TWILIO_SIGNATURE_HEADER } from '../twilio/twilio-signature';

export type TwilioForm = Record<string, string>;

export interface TwilioScopeOptions {
  authToken: () => string;
  publicUrl: () => string;
  log: Logger;
}

/**
 * The `/twilio` scope: Twilio posts its callbacks form-encoded, and each must carry a valid
 * X-Twilio-Signature for the URL built from PUBLIC_URL (path and query as requested). Anything
 * else is refused with 403 before a route can change a call; a route's `request.body` is the
 * signed form.
 */
export function installTwilioScope(twilio: FastifyInstance, options: TwilioScopeOptions): void {
  twilio.removeAllContentTypeParsers();
  twilio.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  twilio.addHook('preHandler', async (request: FastifyRequest) => {
    const form = (request.body ?? {}) as TwilioForm;
    const signature = request.headers[TWILIO_SIGNATURE_HEADER];
    const url = `${options.publicUrl()}${request.url}`;
    if (
      !isValidTwilioSignature(options.authToken(), typeof signature === 'string' ? signature : undefined, url, form)
    ) {
      options.log.warn(
        { path: request.url.split('?')[0] },
        'refused a Twilio callback with a missing or invalid signature',
      );
      throw new BridgeError('TWILIO_SIGNATURE_INVALID');
    }
  });
}
