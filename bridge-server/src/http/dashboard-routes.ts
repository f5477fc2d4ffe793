import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { routeSchema } from './openapi';

const PUBLIC_DIR = join(__dirname, '..', '..', 'public');
const FILES: Record<string, string> = {
  '/': 'index.html',
  '/dashboard.js': 'dashboard.js',
  '/dashboard-api.js': 'dashboard-api.js',
  '/dashboard.css': 'dashboard.css',
  '/favicon.svg': 'favicon.svg',
};
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/**
 * The page may load only its own files and talk only to this bridge; it may not be framed
 * (clickjacking), and it sends no Referer that could carry a call id elsewhere.
 */
export const DASHBOARD_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; media-src 'self' blob:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

/**
 * The dashboard at `/`: a few static files, no build step. The page holds no data itself; it
 * reads everything from the /v1 API and the /v1/live stream, with the API key when one is set.
 */
export function registerDashboardRoutes(app: FastifyInstance): void {
  for (const [path, file] of Object.entries(FILES)) {
    const body = readFileSync(join(PUBLIC_DIR, file));
    const type = TYPES[file.split('.').pop() ?? 'html'];
    const schema = routeSchema({
      summary: `The dashboard's ${file}`,
      tags: ['dashboard'],
      auth: 'none',
      response: { 200: null },
    });
    app.get(path, { schema }, async (_request, reply) => reply.type(type).headers(DASHBOARD_HEADERS).send(body));
  }
}
