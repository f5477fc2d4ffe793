import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  id: string;
  type: string;
  body: string;
  signature: string | undefined;
  at: number;
}

/** Decides the HTTP status for each delivery (and may delay it). */
export type Behaviour = (delivery: Received, attempt: number) => number | Promise<number>;

/** A local HTTP endpoint that records every delivery it is sent. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  behaviour: Behaviour = () => 200;
  private server?: Server;
  private readonly attempts = new Map<string, number>();
  port = 0;

  /** Reserves a port, then is down (connections refused) until `start`. */
  async reservePort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    this.port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return this.port;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const parsed = JSON.parse(body) as { id: string; type: string };
    const delivery: Received = {
      id: parsed.id,
      type: parsed.type,
      body,
      signature: req.headers['x-voice-bridge-signature'] as string | undefined,
      at: Date.now(),
    };
    const attempt = (this.attempts.get(parsed.id) ?? 0) + 1;
    this.attempts.set(parsed.id, attempt);
    const status = await this.behaviour(delivery, attempt);
    if (status >= 200 && status < 300) this.received.push(delivery);
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  }

  uniqueIds(): Set<string> {
    return new Set(this.received.map((r) => r.id));
  }

  duplicates(): number {
    return this.received.length - this.uniqueIds().size;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
