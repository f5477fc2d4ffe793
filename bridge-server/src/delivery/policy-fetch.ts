import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { TargetRefusedError, type TargetPolicy } from './target-policy';

/** Errors of a kept-alive socket the server had already closed when a request was written to it. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** A WHATWG `fetch` for outbound calls the API configured (tool URLs, MCP servers). */
export type PolicyFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

async function bodyOf(init: RequestInit | undefined, request?: Request): Promise<Buffer | undefined> {
  const body = init?.body ?? (request ? await request.arrayBuffer() : undefined);
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return Buffer.from(body as ArrayBuffer);
  return Buffer.from(await new Response(body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
}

function responseOf(res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers))
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  const status = res.statusCode ?? 500;
  const empty = status === 204 || status === 304;
  if (empty) res.resume();
  return new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers });
}

/**
 * `fetch` over node:http where every connection obeys the target policy: the URL's own host at
 * once, and each address a name resolves to at the socket (so DNS rebinding is refused). It is
 * what the MCP SDK and tool calls are given; responses stream (MCP answers with SSE).
 */
export function policyFetch(policy: TargetPolicy): { fetch: PolicyFetch; close(): void } {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const fetchThroughPolicy: PolicyFetch = async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const secure = url.protocol === 'https:';
    const port = Number(url.port || (secure ? 443 : 80));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const refusal = policy.refusal(url.href) ?? (isIP(host) ? policy.addressRefusal(host, port) : undefined);
    if (refusal) throw new TargetRefusedError(refusal);
    const headers = new Headers(request?.headers);
    for (const [name, value] of new Headers(init?.headers)) headers.set(name, value);
    const body = await bodyOf(init, request);
    if (body) headers.set('content-length', String(body.length));
    const signal = init?.signal ?? request?.signal;
    const send = (retried: boolean): Promise<Response> =>
      new Promise<Response>((resolve, reject) => {
        const req = (secure ? httpsRequest : httpRequest)(
          url,
          {
            method: init?.method ?? request?.method ?? 'GET',
            agent: secure ? agents.https : agents.http,
            lookup: policy.lookupFor(port),
            headers: Object.fromEntries(headers),
            signal: signal ?? undefined,
          },
          (res) => {
            answered = true;
            resolve(responseOf(res));
          },
        );
        let answered = false;
        req.on('error', (error: NodeJS.ErrnoException) => {
          // A kept-alive socket the server closed just as it was reused: nothing reached the server, so send again once.
          const stale = !answered && req.reusedSocket && STALE_SOCKET_CODES.has(error.code ?? '');
          if (stale && !retried) resolve(send(true));
          else reject(error);
        });
        req.end(body);
      });
    return send(false);
  };
  return {
    fetch: fetchThroughPolicy,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
