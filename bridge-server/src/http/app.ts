import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { CallService } from '../calls/call-service';
import type { Logger } from '../logger';
import { bearerKeyChecker } from './api-auth';
import { registerCallRoutes } from './call-routes';
import { installErrorReplies } from './error-replies';
import { registerHealthRoutes, type Readiness } from './health-routes';
import { registerTwilioRoutes, type TwilioRouteOptions } from './twilio-routes';

export interface AppOptions {
  log: Logger;
  apiKey?: string;
  calls: CallService;
  twilio: Omit<TwilioRouteOptions, 'calls' | 'log'>;
  readiness: Readiness;
  metrics: Registry;
  /** Further routes (subscriptions, waiters, dashboard), registered after the core ones. */
  extraRoutes?: (app: FastifyInstance, checkApiKey: (authorization: string | undefined) => void) => void;
}

const BODY_LIMIT_BYTES = 1024 * 1024;

/** The bridge's HTTP surface: the REST API, Twilio's callbacks, health and metrics. */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });

  // Twilio posts its callbacks form-encoded; signatures are computed over these parameters.
  // JSON and Twilio's forms only: anything else is 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const checkApiKey = bearerKeyChecker(options.apiKey);
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/v1/')) checkApiKey(request.headers.authorization);
  });

  installErrorReplies(app, options.log);
  registerHealthRoutes(app, options.readiness, options.metrics);
  registerCallRoutes(app, options.calls);
  registerTwilioRoutes(app, { ...options.twilio, calls: options.calls, log: options.log });
  options.extraRoutes?.(app, checkApiKey);
  return app;
}
