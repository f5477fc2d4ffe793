import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server';

/** Debian's haproxy, when installed (`apt-get install haproxy`; CI installs it). */
export function haproxyPath(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).stdout.trim();
  return found || undefined;
}

/**
 * A real HAProxy in front of bridge instances, as a deployment would run it: round-robin over
 * HTTP and WebSocket (upgrades are tunnelled), health-checked on /readyz so a dead instance
 * leaves the pool, and a request that found a dead instance's port closed sent to another.
 */
export class HaproxyBalancer {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'vb-haproxy-'));
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(backends: string[]): Promise<void> {
    const binary = haproxyPath();
    if (!binary) throw new Error('haproxy is not installed: apt-get install -y haproxy');
    this.port ||= await freePort();
    const servers = backends.map((url, i) => `  server bridge${i} ${new URL(url).host} check`).join('\n');
    const config = [
      'global',
      '  maxconn 4000',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout tunnel 1h',
      '  retries 3',
      '  option redispatch',
      '  retry-on conn-failure empty-response',
      'frontend bridges',
      `  bind 127.0.0.1:${this.port}`,
      '  default_backend bridges',
      'backend bridges',
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      '  http-check expect status 200',
      '  default-server inter 300 fall 2 rise 2',
      servers,
      '',
    ].join('\n');
    const file = join(this.dir, 'haproxy.cfg');
    writeFileSync(file, config);
    this.child = spawn(binary, ['-f', file, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${this.url}/healthz`).catch(() => undefined))?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('haproxy did not start');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null)
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
