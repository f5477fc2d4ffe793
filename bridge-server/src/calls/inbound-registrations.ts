import { z } from 'zod';
import { newWebhookSecret } from '../delivery/webhook-signature';
import { BridgeError, parsePathParam, parseRequestBody } from '../shared/errors';
import type { InboundRoute } from '../shared/wire-types';
import type { InboundRouteStore, StoredInboundRoute } from '../store/inbound-routes';
import { e164 } from './call-request';
import { inboundHandlingSchemaFor } from './inbound-handling';

const MAX_NUMBERS = 100;
const routeId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be 1-100 letters, digits, _ or -')
  .describe('chosen by the registrant: the Incoming Call trigger uses its workflow and node');

/** `PUT /v1/inbound-routes/:id`, with the URL and the fallback's tool URLs held to `url`. */
export function inboundRouteSchemaFor(url: z.ZodType<string>) {
  return z
    .object({
      url: url.describe("POSTed the caller's details when a call comes in; its JSON reply is the handling"),
      numbers: z
        .array(e164)
        .max(MAX_NUMBERS)
        .default([])
        .describe('your Twilio numbers it answers for; empty: every number without a route of its own'),
      fallback: inboundHandlingSchemaFor(url)
        .optional()
        .describe("used when the URL is late or its answer unusable; absent: the bridge's default"),
      secret: z
        .string()
        .min(16)
        .max(256)
        .optional()
        .describe('signs the requests to url (X-Voice-Bridge-Signature); generated when absent'),
    })
    .strict();
}

function view({ secret: _secret, ...visible }: StoredInboundRoute): InboundRoute {
  return visible;
}

/**
 * `/v1/inbound-routes`: who decides how calls to the user's numbers are handled (the Incoming
 * Call trigger registers on publish). A number is answered by at most one route, and at most
 * one route answers for every number; registering again under the same id replaces it.
 */
export class InboundRegistrations {
  readonly bodySchema: ReturnType<typeof inboundRouteSchemaFor>;

  constructor(
    private readonly routes: InboundRouteStore,
    url: z.ZodType<string>,
  ) {
    this.bodySchema = inboundRouteSchemaFor(url);
  }

  private id(value: unknown): string {
    return parsePathParam(routeId, value, 'id', 'route id');
  }

  async register(idParam: unknown, body: unknown): Promise<InboundRoute & { secret: string }> {
    const id = this.id(idParam);
    const request = parseRequestBody(this.bodySchema, body, 'inbound route');
    const route: StoredInboundRoute = {
      id,
      url: request.url,
      numbers: [...new Set(request.numbers)],
      ...(request.fallback ? { fallback: request.fallback as InboundRoute['fallback'] } : {}),
      secret: request.secret ?? newWebhookSecret(),
      registeredAt: new Date().toISOString(),
    };
    const taken = await this.routes.putUnlessTaken(route);
    if (taken.length > 0)
      throw new BridgeError(
        'NUMBER_ALREADY_ROUTED',
        `Another inbound route already answers for ${taken.join(', ')}; unpublish it first.`,
        taken.map((number) => ({ field: 'numbers', problem: `${number} already has a route` })),
      );
    return { ...view(route), secret: route.secret };
  }

  async list(): Promise<InboundRoute[]> {
    return (await this.routes.list()).map(view);
  }

  async remove(idParam: unknown): Promise<void> {
    if (!(await this.routes.delete(this.id(idParam)))) throw new BridgeError('ROUTE_NOT_FOUND');
  }
}
