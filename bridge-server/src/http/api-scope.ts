import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BridgeError } from '../shared/errors';
import { bearerKeyChecker } from './api-auth';
import { HTTP_LIMITS, nestsDeeperThan } from './http-limits';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes no request body (so a missing Content-Type is fine). */
    bodyless?: boolean;
  }
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** `application/json`, with no charset or `utf-8`; anything else is 415. */
function checkContentType(request: FastifyRequest): void {
  const header = request.headers['content-type'];
  if (header === undefined) {
    if (BODY_METHODS.has(request.method) && !request.routeOptions.config.bodyless)
      throw new BridgeError('UNSUPPORTED_MEDIA_TYPE');
    return;
  }
  const [type, ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  const charset = params
    .find((param) => param.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (type !== 'application/json' || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new BridgeError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json (UTF-8).');
  }
}

/**
 * The `/v1` scope. Its hooks run for every route registered in it, after the router matched the
 * route: so the key is checked however the path was spelled (percent-encoded letters, an
 * absolute-form target), because it is the matched route that is protected, not a URL prefix.
 * Only JSON bodies are accepted here; Twilio's form encoding is parsed in the /twilio scope alone.
 */
export function installApiScope(v1: FastifyInstance, apiKey: string | undefined): void {
  const checkApiKey = bearerKeyChecker(apiKey);
  v1.addHook('onRequest', async (request) => {
    checkApiKey(request.headers.authorization);
    checkContentType(request);
  });
  v1.addHook('preValidation', async (request) => {
    if (nestsDeeperThan(request.body, HTTP_LIMITS.jsonDepth)) {
      throw new BridgeError(
        'VALIDATION_FAILED',
        `The body nests arrays and objects more than ${HTTP_LIMITS.jsonDepth} levels deep.`,
      );
    }
  });
}
