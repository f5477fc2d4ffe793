import { randomBytes } from 'node:crypto';
import { cleanRedis, REDIS_URL, redisEnv, testRedis } from './test-redis';
import { createBridge, type Bridge } from '../../bridge-server/src/bridge';
import { loadConfig } from '../../bridge-server/src/config/load-config';
import { TERMINAL_STATUSES } from '../../bridge-server/src/model/call-record';
import { startSandbox, type Sandbox } from '../../bridge-server/src/sandbox/start';
import { silentLogger, type Logger } from '../../bridge-server/src/shared/logger';
import type { CallResource } from '../../bridge-server/src/shared/wire-types';

export { cleanRedis, REDIS_URL } from './test-redis';

/** A key prefix of its own for each test bridge, removed again by `cleanRedis`. */
export function testPrefix(): string {
  return `vbtest:${randomBytes(6).toString('hex')}:`;
}

export interface TestBridge {
  bridge: Bridge;
  /** The simulators the bridge talks to. */
  sandbox: Sandbox;
  url: string;
  prefix: string;
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; body: any; headers: Headers }>;
  placeCall(body: Record<string, unknown>): Promise<CallResource>;
  waitForCall(id: string, done: (call: CallResource) => boolean, timeoutMs?: number): Promise<CallResource>;
  waitForEnd(id: string, timeoutMs?: number): Promise<CallResource>;
  close(): Promise<void>;
}

/** A sandbox bridge on a free port with a real Redis (its own key prefix), simulators speeded up. */
export async function startTestBridge(
  env: Record<string, string> = {},
  options: { log?: Logger; redis?: boolean } = {},
): Promise<TestBridge> {
  const prefix = testPrefix();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SANDBOX_SPEED: '4',
    // Media as Twilio's really comes: in bursts of three frames, and a 60 ms gap every 3 s.
    SANDBOX_MEDIA_BURST_FRAMES: '3',
    SANDBOX_MEDIA_GAP_EVERY: '150',
    SANDBOX_MEDIA_GAP_FRAMES: '3',
    ...(options.redis === false ? {} : { ...redisEnv(), REDIS_KEY_PREFIX: prefix }),
    ...env,
  });
  const redisUrl = env.REDIS_URL ?? REDIS_URL;
  const log = options.log ?? silentLogger();
  const sandbox = await startSandbox(config, log);
  const bridge = await createBridge(config, log, sandbox.services);
  const url = await bridge.listen();
  const api: TestBridge['api'] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const response = await fetch(`${url}${path}`, { ...init, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  const waitForCall: TestBridge['waitForCall'] = async (id, done, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await api(`/v1/calls/${id}`, {
        headers: env.BRIDGE_API_KEY ? { authorization: `Bearer ${env.BRIDGE_API_KEY}` } : {},
      });
      if (done(body as CallResource)) return body as CallResource;
      if (Date.now() > deadline)
        throw new Error(`call ${id} did not get there in ${timeoutMs} ms; last seen: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    bridge,
    sandbox,
    url,
    prefix,
    api,
    async placeCall(body) {
      const response = await api('/v1/calls', {
        method: 'POST',
        json: body,
        headers: env.BRIDGE_API_KEY ? { authorization: `Bearer ${env.BRIDGE_API_KEY}` } : {},
      });
      if (response.status !== 201)
        throw new Error(`placing the call failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body as CallResource;
    },
    waitForCall,
    async waitForEnd(id, timeoutMs = 20_000) {
      if (options.redis === false)
        return waitForCall(id, (call) => TERMINAL_STATUSES.includes(call.status) && call.endReason !== null, timeoutMs);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // `call.ended` is the contract's signal that the transcript is complete.
        const ended = (await readEvents(prefix, redisUrl)).find(
          (event) => event.type === 'call.ended' && event.call.id === id,
        );
        if (ended) return ended.call;
        if (Date.now() > deadline) throw new Error(`call ${id} did not end in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await bridge.shutdown(0);
      await sandbox.close();
      if (options.redis !== false) await cleanRedis(prefix, redisUrl).catch(() => undefined);
    },
  };
}

export function agentCall(to = '+15551230000', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    to,
    mode: 'agent',
    agent: { prompt: 'You are a friendly scheduling assistant.', greeting: 'Hi, this is Ava from Bright Dental.' },
    ...extra,
  };
}

/** Reads every event the bridge appended to its events stream. */
export async function readEvents(
  prefix: string,
  redisUrl = REDIS_URL,
): Promise<{ id: string; type: string; call: CallResource; utterance?: unknown; tool?: unknown }[]> {
  const redis = testRedis(redisUrl);
  try {
    const entries = await redis.xrange(`${prefix}events`, '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1]));
  } finally {
    redis.disconnect();
  }
}
