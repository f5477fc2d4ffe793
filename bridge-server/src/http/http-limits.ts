import type { Socket } from 'node:net';
import { BridgeError, type ErrorCode } from '../shared/errors';

/**
 * Limits on what a client may send, and the error replies for requests Node's HTTP parser refuses
 * before any route sees them (headers too large, a request that never finishes arriving, bytes
 * that are not HTTP): all in the bridge's documented `{ error: { code, message } }` shape.
 */
export const HTTP_LIMITS = {
  bodyBytes: 1024 * 1024,
  /** Longest request target (path and query) accepted. */
  urlChars: 8 * 1024,
  /** Headers must be complete this soon after the connection starts a request. */
  headersTimeoutMs: 10_000,
  /** The whole request, body included, must have arrived this soon. */
  requestTimeoutMs: 15_000,
  /** How often Node checks the two timeouts above. */
  timeoutCheckIntervalMs: 1_000,
  /** Longest single path parameter (ids are 29 characters). */
  paramChars: 200,
  /** Deepest nesting of arrays and objects in a JSON body. */
  jsonDepth: 32,
} as const;

function codeForClientError(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  return 'MALFORMED_REQUEST';
}

/** fastify's `clientErrorHandler`: answer what can be answered, then close the connection. */
export function replyToClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  const failure = new BridgeError(codeForClientError(error));
  const body = JSON.stringify(failure.toJSON());
  socket.end(
    `HTTP/1.1 ${failure.status} ${failure.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * True when `value` nests deeper than `limit` (walked without recursion, so no input can exhaust
 * the stack; JSON.parse itself accepts any depth, but JSON.stringify of it would throw).
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}
