import type { FastifyInstance } from 'fastify';
import { callListQuerySchema, parseCallListQuery } from '../calls/call-list-query';
import { placeCallRequestSchema } from '../calls/call-request';
import type { CallService } from '../calls/call-service';
import type { CallDataEraser } from '../calls/call-data-eraser';
import type { CallRecordings } from '../calls/call-recordings';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { BridgeError } from '../shared/errors';
import { isId } from '../shared/ids';
import { routeSchema } from './openapi';
import { callList, callResource, callSettings, erasedCallData, idParams } from './response-schemas';

/** The `:id` of a call route; any other shape names no call. */
export function callIdParam(params: unknown): string {
  const id = (params as { id?: string }).id;
  if (!isId('call', id))
    throw new BridgeError('CALL_NOT_FOUND', `No call has the id ${JSON.stringify(String(id).slice(0, 64))}.`);
  return id;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** `/v1/calls`: place, read, list and hang up calls. */
/** Headers of Twilio's answer passed on with a recording's audio. */
const MEDIA_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges'];

export function registerCallRoutes(
  v1: FastifyInstance,
  calls: CallService,
  eraser: CallDataEraser,
  recordings: CallRecordings,
): void {
  v1.post(
    '/calls',
    {
      schema: routeSchema({
        summary: 'Place a call',
        tags: ['calls'],
        auth: 'api-key',
        body: placeCallRequestSchema,
        response: { 201: callResource },
        description:
          'An `Idempotency-Key` header makes a retry return the same call (with `Idempotent-Replayed: true`) instead of dialling again; the same key with a different body is 422.',
      }),
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
        throw new BridgeError('VALIDATION_FAILED', 'Idempotency-Key must be 1-255 visible ASCII characters.', [
          { field: 'Idempotency-Key', problem: 'must be 1-255 visible ASCII characters' },
        ]);
      }
      const { call, replayed } = await calls.placeCall(request.body, key);
      if (replayed) void reply.header('Idempotent-Replayed', 'true');
      return reply.status(201).send(call);
    },
  );

  v1.get(
    '/calls',
    {
      schema: routeSchema({
        summary: 'List calls, newest first',
        tags: ['calls'],
        auth: 'api-key',
        querystring: callListQuerySchema,
        response: { 200: callList },
      }),
    },
    async (request) => calls.listCalls(parseCallListQuery(request.query)),
  );

  v1.get(
    '/calls/:id',
    {
      schema: routeSchema({
        summary: 'A call, transcript included',
        tags: ['calls'],
        auth: 'api-key',
        params: idParams,
        response: { 200: callResource },
      }),
    },
    async (request) => calls.getCall(callIdParam(request.params)),
  );

  v1.get(
    '/calls/:id/settings',
    {
      schema: routeSchema({
        summary: 'What a call was placed with (prompt, greeting, options)',
        tags: ['calls'],
        auth: 'api-key',
        params: idParams,
        response: { 200: callSettings },
      }),
    },
    async (request) => calls.getSettings(callIdParam(request.params)),
  );

  v1.post(
    '/calls/:id/hangup',
    {
      config: { bodyless: true },
      schema: routeSchema({
        summary: 'End a call (a ringing call is cancelled; an ended one is returned as it is)',
        tags: ['calls'],
        auth: 'api-key',
        params: idParams,
        response: { 200: callResource },
      }),
    },
    async (request) => calls.hangup(callIdParam(request.params)),
  );

  v1.delete(
    '/calls/:id/data',
    {
      config: { bodyless: true },
      schema: routeSchema({
        summary: 'Delete everything kept of an ended call (privacy requests)',
        tags: ['calls'],
        auth: 'api-key',
        params: idParams,
        response: { 200: erasedCallData },
        description:
          'Removes the call record and transcript from the store, its rows from the PostgreSQL archive (marked deleted, so nothing archives it again), and the events stream entries and dead letters that carry it. A call still going on is 409 `CALL_STILL_ACTIVE`.',
      }),
    },
    async (request) => eraser.erase(callIdParam(request.params)),
  );

  v1.get(
    '/calls/:id/recording',
    {
      schema: routeSchema({
        summary: 'The call recording: two-channel WAV (callee, then the agent or the party), byte ranges supported',
        tags: ['calls'],
        auth: 'api-key',
        params: idParams,
        response: { 200: null, 206: null },
        description:
          'Streams the recording from Twilio. A `Range` header gets `206 Partial Content`, so audio players can seek; a range past the end is `416`.',
      }),
    },
    async (request, reply) => {
      const range = typeof request.headers.range === 'string' ? request.headers.range : undefined;
      const media = await recordings.audio(callIdParam(request.params), range);
      void reply.status(media.status);
      for (const name of MEDIA_HEADERS) {
        const value = media.headers.get(name);
        if (value) void reply.header(name, value);
      }
      return reply.send(media.body ? Readable.fromWeb(media.body as WebReadableStream) : '');
    },
  );
}
