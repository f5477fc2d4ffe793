import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BridgeError, isBridgeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { isStoreUnavailable } from '../store/store-errors';

/** Every error leaves as `{ error: { code, message } }`; bad input is a 4xx, never a 500. */
export function installErrorReplies(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError | BridgeError | Error, request, reply) => {
    const bridgeError = toBridgeError(error);
    // A drain's refusals and a store outage are expected states, each logged where it is noticed.
    if (bridgeError.code === 'INTERNAL')
      log.error({ err: error, method: request.method, path: request.url.split('?')[0] }, 'request failed');
    if (bridgeError.retryAfterSec !== undefined) void reply.header('retry-after', String(bridgeError.retryAfterSec));
    void reply.status(bridgeError.status).send(bridgeError.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(
        new BridgeError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0].slice(0, 200)}.`).toJSON(),
      );
  });
}

/** fastify's `frameworkErrors`: a path that is not valid percent-encoding, or a parameter too long. */
export function replyToFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const code =
    error.code === 'FST_ERR_BAD_URL'
      ? 'BAD_REQUEST_TARGET'
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? 'URI_TOO_LONG'
        : 'MALFORMED_REQUEST';
  const failure = new BridgeError(code);
  void reply.status(failure.status).send(failure.toJSON());
}

function toBridgeError(error: unknown): BridgeError {
  if (isBridgeError(error)) return error;
  if (isStoreUnavailable(error)) return new BridgeError('STORE_UNAVAILABLE');
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode ?? 500;
  if (status === 415) return new BridgeError('UNSUPPORTED_MEDIA_TYPE');
  if (status === 413) return new BridgeError('PAYLOAD_TOO_LARGE');
  if (status === 400 && (fastifyError.code?.startsWith('FST_ERR_CTP') || error instanceof SyntaxError)) {
    return new BridgeError('INVALID_JSON', `The request body is not valid JSON: ${fastifyError.message ?? ''}`.trim());
  }
  if (status >= 400 && status < 500) return new BridgeError('VALIDATION_FAILED', fastifyError.message);
  return new BridgeError('INTERNAL');
}
