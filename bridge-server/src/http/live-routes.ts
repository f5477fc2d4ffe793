import type { FastifyInstance } from 'fastify';
import type { LiveFeed } from '../delivery/live-feed';
import { BridgeError } from '../shared/errors';
import { routeSchema } from './openapi';

const HEARTBEAT_MS = 15_000;

export interface LiveRouteOptions {
  feed: LiveFeed;
  /** Viewers connected at once; one more is refused with 503. */
  maxViewers: number;
  /** A viewer whose unsent data passes this is dropped (it stopped reading). */
  maxBufferedBytes: number;
}

/**
 * `GET /v1/live`: Server-Sent Events with every call event and interim transcript, for the
 * dashboard. Behind the API key like the rest of /v1 (the page sends it in a header, so it never
 * lands in a URL or a log). Viewers are capped, and one that does not read is dropped rather
 * than buffered without bound. Each stored event carries its stream position as the SSE id.
 */
export function registerLiveRoutes(v1: FastifyInstance, options: LiveRouteOptions): void {
  let viewers = 0;
  const schema = routeSchema({
    summary: 'Server-Sent Events: every call event, plus interim transcripts',
    description:
      'Each stored event carries its stream position as the SSE `id`; reconnect with `Last-Event-ID` to get what was missed first.',
    tags: ['live'],
    auth: 'api-key',
    response: { 200: null },
  });
  v1.get('/live', { schema }, async (request, reply) => {
    if (viewers >= options.maxViewers) throw new BridgeError('TOO_MANY_LIVE_VIEWERS');
    viewers++;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const write = (text: string) => {
      if (res.writableLength > options.maxBufferedBytes) res.destroy();
      else res.write(text);
    };
    write(': connected\n\n');
    let closed = false;
    let unsubscribe: (() => void) | undefined;
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
    const close = () => {
      if (closed) return;
      closed = true;
      viewers--;
      clearInterval(heartbeat);
      unsubscribe?.();
    };
    request.raw.on('close', close);
    res.on('close', close);
    // A reconnecting viewer names the last event it saw, and first gets the events since.
    const lastEventId = request.headers['last-event-id'];
    const after = typeof lastEventId === 'string' ? lastEventId : undefined;
    try {
      const stop = await options.feed.subscribe((message, position) => {
        write(`${position ? `id: ${position}\n` : ''}event: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`);
      }, after);
      if (closed) stop();
      else unsubscribe = stop;
    } catch {
      // The store is unreachable, so what was missed cannot be read: the viewer reconnects later.
      res.destroy();
    }
  });
}
