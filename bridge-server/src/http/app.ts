import Fastify, { type FastifyInstance } from 'fastify';
import { BridgeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { installApiScope } from './api-scope';
import { installErrorReplies, replyToFrameworkError } from './error-replies';
import { HTTP_LIMITS, replyToClientError } from './http-limits';
import { installOpenApi, useSchemasAsDocumentation } from './openapi';
import { installTwilioScope, type TwilioScopeOptions } from './twilio-scope';

type Routes = (scope: FastifyInstance) => void;

export interface AppOptions {
  log: Logger;
  apiKey?: string;
  twilio: Omit<TwilioScopeOptions, 'log'>;
  /** Open to anyone: health, readiness, metrics, the dashboard's files. */
  publicRoutes: Routes;
  /** Registered under /v1, behind the API key. */
  apiRoutes: Routes;
  /** Registered under /twilio, behind Twilio's signature. */
  twilioRoutes: Routes;
}

/**
 * The bridge's HTTP surface in three scopes, each authenticated by the routes it holds: `/v1`
 * (bearer key, JSON only), `/twilio` (X-Twilio-Signature, form bodies only) and the public rest.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: HTTP_LIMITS.bodyBytes,
    requestTimeout: HTTP_LIMITS.requestTimeoutMs,
    http: {
      headersTimeout: HTTP_LIMITS.headersTimeoutMs,
      connectionsCheckingInterval: HTTP_LIMITS.timeoutCheckIntervalMs,
    },
    routerOptions: { maxParamLength: HTTP_LIMITS.paramChars },
    // Calls in progress keep sending Twilio callbacks while the bridge drains.
    return503OnClosing: false,
    // Closing comes after the drain: a keep-alive connection that carried one last callback
    // after the idle ones were closed must not hold the exit for the 72 s keep-alive timeout.
    forceCloseConnections: true,
    clientErrorHandler: replyToClientError,
    frameworkErrors: replyToFrameworkError,
  });
  app.removeContentTypeParser('text/plain');
  installErrorReplies(app, options.log);
  useSchemasAsDocumentation(app);
  installOpenApi(app);

  app.addHook('onRequest', async (request) => {
    // Only origin-form targets (`/path?query`): an absolute-form target would be routed by its
    // path yet signed and logged as something else.
    if (!request.raw.url?.startsWith('/')) throw new BridgeError('BAD_REQUEST_TARGET');
    if (request.raw.url.length > HTTP_LIMITS.urlChars) throw new BridgeError('URI_TOO_LONG');
  });

  void app.register(async (root) => options.publicRoutes(root));
  void app.register(
    async (v1) => {
      installApiScope(v1, options.apiKey);
      options.apiRoutes(v1);
    },
    { prefix: '/v1' },
  );
  void app.register(
    async (twilio) => {
      installTwilioScope(twilio, { ...options.twilio, log: options.log });
      options.twilioRoutes(twilio);
    },
    { prefix: '/twilio' },
  );
  return app;
}
