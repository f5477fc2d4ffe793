import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { ZodTypeAny } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { errorBody } from './response-schemas';

/**
 * The REST API's OpenAPI 3.1 document, built from the zod schemas the bridge validates with:
 * each route declares its schemas once (`routeSchema`), and @fastify/swagger collects them.
 * Requests are validated by the services with those same schemas (so every problem is listed
 * at once, with the bridge's error codes), not by fastify's own validator.
 */

export type RouteAuth = 'api-key' | 'twilio-signature' | 'none';

export interface RouteDoc {
  summary: string;
  description?: string;
  tags: string[];
  auth: RouteAuth;
  body?: ZodTypeAny;
  querystring?: ZodTypeAny;
  params?: ZodTypeAny;
  /** Success responses by status; every route also documents the error body for 4xx and 5xx. */
  response: Record<number, ZodTypeAny | null>;
}

function jsonSchema(schema: ZodTypeAny): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = zodToJsonSchema(schema, {
    target: 'jsonSchema2019-09',
    $refStrategy: 'none',
  }) as Record<string, unknown>;
  return rest;
}

const SECURITY: Record<RouteAuth, Record<string, string[]>[]> = {
  'api-key': [{ bearerKey: [] }],
  'twilio-signature': [{ twilioSignature: [] }],
  none: [],
};

export function routeSchema(doc: RouteDoc): FastifySchema {
  const response: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(doc.response))
    response[status] = schema ? jsonSchema(schema) : { type: 'null', description: 'no body' };
  response['4xx'] = jsonSchema(errorBody);
  response['5xx'] = jsonSchema(errorBody);
  return {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags,
    security: SECURITY[doc.auth],
    ...(doc.body ? { body: jsonSchema(doc.body) } : {}),
    ...(doc.querystring ? { querystring: jsonSchema(doc.querystring) } : {}),
    ...(doc.params ? { params: jsonSchema(doc.params) } : {}),
    response,
  } as FastifySchema;
}

/** Schemas are documentation here: validation is the services' job, output is plain JSON. */
export function useSchemasAsDocumentation(app: FastifyInstance): void {
  app.setValidatorCompiler(() => (value) => ({ value }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** The bridge package's own version, for the document's `info`. */
function bridgeVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Registers the document generator (before any route) and serves `/openapi.json` and `/docs`. */
export function installOpenApi(app: FastifyInstance): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Voice Bridge API',
        version: bridgeVersion(),
        description:
          'AI phone calls and call transcription for n8n: place calls, read their transcripts, and have events delivered to signed webhooks. Every error is `{ "error": { "code", "message", "details"? } }`.',
      },
      tags: [
        { name: 'calls', description: 'Place, read, list and hang up calls' },
        { name: 'tools', description: 'Tools registered for voice agents to use by name' },
        { name: 'inbound', description: 'Inbound routes: who decides how calls to your numbers are handled' },
        { name: 'sandbox', description: 'Sandbox mode only: simulate what Twilio would do' },
        { name: 'delivery', description: 'Subscriptions, waiters and dead letters' },
        { name: 'live', description: 'Server-Sent Events for dashboards' },
        { name: 'twilio', description: "Twilio's signed webhooks and callbacks" },
        { name: 'health', description: 'Liveness, readiness and metrics' },
      ],
      components: {
        securitySchemes: {
          bearerKey: { type: 'http', scheme: 'bearer', description: 'BRIDGE_API_KEY' },
          twilioSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Twilio-Signature',
            description: 'HMAC-SHA1 of the URL and form with the Twilio auth token, made by Twilio',
          },
        },
      },
    },
  });
  void app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { deepLinking: true, docExpansion: 'list' },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
