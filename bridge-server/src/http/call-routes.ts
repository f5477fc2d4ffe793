import type { FastifyInstance } from 'fastify';
import type { CallService } from '../calls/call-service';
import { BridgeError } from '../errors';
import { isId } from '../ids';

const MAX_LIST_LIMIT = 200;

function listFilter(query: Record<string, string | undefined>): { status?: 'active' | 'ended'; limit: number } {
  const { status, limit } = query;
  if (status !== undefined && status !== 'active' && status !== 'ended') {
    throw new BridgeError('VALIDATION_FAILED', 'status must be "active" or "ended".', [{ field: 'status', problem: 'must be active or ended' }]);
  }
  const parsed = limit === undefined ? 50 : Number(limit);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_LIST_LIMIT) {
    throw new BridgeError('VALIDATION_FAILED', `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}.`, [{ field: 'limit', problem: `must be 1-${MAX_LIST_LIMIT}` }]);
  }
  return { status, limit: parsed };
}

/** The `:id` of a call route; any other shape names no call. */
export function callIdParam(params: unknown): string {
  const id = (params as { id?: string }).id;
  if (!isId('call', id)) throw new BridgeError('CALL_NOT_FOUND', `No call has the id ${JSON.stringify(String(id).slice(0, 64))}.`);
  return id;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** `/v1/calls`: place, read, list and hang up calls. */
export function registerCallRoutes(v1: FastifyInstance, calls: CallService): void {
  v1.post('/calls', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
      throw new BridgeError('VALIDATION_FAILED', 'Idempotency-Key must be 1-255 visible ASCII characters.', [{ field: 'Idempotency-Key', problem: 'must be 1-255 visible ASCII characters' }]);
    }
    const { call, replayed } = await calls.placeCall(request.body, key);
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    return reply.status(201).send(call);
  });

  v1.get('/calls', async (request) => ({ calls: await calls.listCalls(listFilter(request.query as Record<string, string | undefined>)) }));

  v1.get('/calls/:id', async (request) => calls.getCall(callIdParam(request.params)));

  v1.post('/calls/:id/hangup', { config: { bodyless: true } }, async (request) => calls.hangup(callIdParam(request.params)));
}
