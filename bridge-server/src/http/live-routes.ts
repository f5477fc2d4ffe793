import type { FastifyInstance } from 'fastify';
import type { LiveFeed } from '../delivery/live-feed';

const HEARTBEAT_MS = 15_000;

/**
 * `GET /v1/live`: Server-Sent Events with every call event and interim transcript, for the
 * dashboard. Behind the API key like the rest of /v1 (the page sends it in a header, so it never
 * lands in a URL or a log).
 */
export function registerLiveRoutes(app: FastifyInstance, feed: LiveFeed): void {
  app.get('/v1/live', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': connected\n\n');
    const unsubscribe = feed.subscribe((message) => {
      res.write(`event: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
}
