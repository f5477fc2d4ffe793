import type { FastifyInstance } from 'fastify';

/** Every route the app serves, as `[method, path]`, read from fastify's own route tree. */
export function listRoutes(app: FastifyInstance): [string, string][] {
  const routes: [string, string][] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    stack.length = depth;
    const path = `${stack[depth - 1] ?? ''}${match[2]}`.replace(/^\/\//, '/');
    stack[depth] = depth === 0 ? '/' : path;
    for (const method of (match[3] ?? '').split(', ').filter((m) => m && m !== 'HEAD'))
      routes.push([method, depth === 0 ? '/' : path]);
  }
  return routes;
}
