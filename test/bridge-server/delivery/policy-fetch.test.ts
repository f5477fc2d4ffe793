import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { policyFetch } from '../../../bridge-server/src/delivery/policy-fetch';
import { TargetPolicy } from '../../../bridge-server/src/delivery/target-policy';

/**
 * An HTTP/1.1 server written by hand so the test decides what each connection does with each
 * request: `plan(connection, request)` answers 'ok' or 'reset' (the socket is reset unanswered,
 * as a server does when its keep-alive timer fires just as the client reuses the socket).
 */
async function scriptedServer(plan: (connection: number, request: number) => 'ok' | 'reset') {
  const seen: Array<{ connection: number; request: number }> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket: Socket) => {
    sockets.add(socket);
    const connection = sockets.size;
    let requests = 0;
    let buffered = '';
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        const end = buffered.indexOf('\r\n\r\n') + 4;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + length) return;
        buffered = buffered.slice(end + length);
        const request = ++requests;
        if (plan(connection, request) === 'reset') {
          socket.resetAndDestroy();
          return;
        }
        seen.push({ connection, request });
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\n{"ok":true}',
        );
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tool`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' };

describe('policyFetch', () => {
  const { fetch, close } = policyFetch(new TargetPolicy());
  afterAll(close);

  it('sends a request again on a fresh connection when the kept-alive socket it reused was closed unanswered', async () => {
    const server = await scriptedServer((connection, request) => (connection === 1 && request === 2 ? 'reset' : 'ok'));
    try {
      const first = await fetch(server.url, post);
      expect(await first.json()).toEqual({ ok: true });
      const second = await fetch(server.url, post);
      expect(second.status).toBe(200);
      expect(await second.json()).toEqual({ ok: true });
      expect(server.seen).toEqual([
        { connection: 1, request: 1 },
        { connection: 2, request: 1 },
      ]);
    } finally {
      await server.close();
    }
  });

  it('does not send again when a fresh connection is reset, so the caller sees the failure', async () => {
    const server = await scriptedServer(() => 'reset');
    try {
      await expect(fetch(server.url, post)).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(server.seen).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
