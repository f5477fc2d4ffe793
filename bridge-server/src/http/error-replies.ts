import type { FastifyError, FastifyInstance } from 'fastify';
import { BridgeError, isBridgeError } from '../errors';
import type { Logger } from '../logger';

/** Every error leaves as `{ error: { code, message } }`; bad input is a 4xx, never a 500. */
export function installErrorReplies(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError | BridgeError | Error, request, reply) => {
    const bridgeError = toBridgeError(error);
    if (bridgeError.status >= 500) log.error({ err: error, url: request.url }, 'request failed');
    void reply.status(bridgeError.status).send(bridgeError.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(new BridgeError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`).toJSON());
  });
}

function toBridgeError(error: unknown): BridgeError {
  if (isBridgeError(error)) return error;
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
