import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { redisEnv } from './test-redis';

const ROOT = join(__dirname, '..', '..');
const LOG_DIR = join(ROOT, 'test-artifacts', 'logs');

/** A real bridge process (`bridge-server/bin/voice-bridge.js`, built by the global setup). */
export class BridgeProcess {
  private child?: ChildProcess;
  url = '';

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
    /** Started once its log also shows this (e.g. every worker listening), not at the first URL. */
    private readonly readyLine?: RegExp,
  ) {}

  async start(): Promise<string> {
    mkdirSync(LOG_DIR, { recursive: true });
    const log = createWriteStream(join(LOG_DIR, `${this.name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [join(ROOT, 'bridge-server', 'bin', 'voice-bridge.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        ...redisEnv(),
        LOG_LEVEL: 'info',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr?.pipe(log);
    this.url = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start`)), 20_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        log.write(chunk);
        buffered += chunk.toString();
        const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(buffered);
        if (match && (!this.readyLine || this.readyLine.test(buffered))) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`${this.name} exited with ${code} before listening`)));
    });
    return this.url;
  }

  get exitCode(): number | null | undefined {
    return this.child?.exitCode;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async api(
    path: string,
    init: { method?: string; json?: unknown; apiKey?: string } = {},
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.apiKey ? { authorization: `Bearer ${init.apiKey}` } : {}),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** SIGKILL: no shutdown, nothing flushed. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
