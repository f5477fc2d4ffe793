import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { freePort } from '../support/redis-server';
import { BRIDGE_BIN as BIN, runBridgeBin } from '../support/bridge-bin';

/** The bridge's bin with only `env`, stopped with SIGTERM after `ms`. */
const run = (env: Record<string, string>, ms?: number) => runBridgeBin(env, [], ms);

describe('start-up that explains itself', () => {
  let holder: Server;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  });

  it('names the port that is in use, and PORT, in one line', async () => {
    const result = await run({ PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `voice-bridge: port ${port} on 127.0.0.1 is already in use; stop what holds it, or set PORT to another port`,
    ]);
  });

  it('stops with one line when Redis cannot be reached', async () => {
    const result = await run({ PORT: '0', REDIS_URL: `redis://127.0.0.1:${await freePort()}/0` });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^voice-bridge: Redis at redis:\/\/127\.0\.0\.1:\d+\/0 is not reachable \(.+\); check REDIS_URL, or unset it to keep everything in memory$/,
    );
  });

  it('lists every configuration problem at once', async () => {
    const result = await run({ PORT: 'x', TWILIO_ACCOUNT_SID: 'AC123', LOG_FORMAT: 'fancy' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT must be');
    expect(result.stderr).toContain('TWILIO_AUTH_TOKEN is required');
    expect(result.stderr).toContain('LOG_FORMAT must be one of auto, json, pretty');
  });

  it('logs JSON lines when stdout is not a terminal, readable lines with LOG_FORMAT=pretty, and stops on SIGTERM', async () => {
    const json = await run({ PORT: '0' }, 2500);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout.split('\n')[0]).msg).toMatch(/^sandbox mode/);
    expect(json.stdout).toContain('"msg":"stopped"');
    const pretty = await run({ PORT: '0', LOG_FORMAT: 'pretty' }, 2500);
    expect(pretty.stdout.split('\n')[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*sandbox mode/);
  });

  it('still exits on SIGTERM when whatever read its output has gone (a closed pipe)', async () => {
    const child = spawn(process.execPath, [BIN], {
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0' },
    });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 5000)),
    ]);
    if (code === 'still running') child.kill('SIGKILL');
    expect(code).toBe(0);
  });
});
