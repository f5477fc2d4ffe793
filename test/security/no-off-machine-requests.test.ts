import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

function probe(env: Record<string, string>): { connections: string[]; lookups: string[]; warnings: string[] } {
  const out = execFileSync(
    process.execPath,
    [join(__dirname, '..', 'support', 'connection-probe.js'), JSON.stringify(env)],
    {
      env: { PATH: process.env.PATH ?? '' },
      timeout: 60_000,
    },
  );
  return JSON.parse(out.toString().trim().split('\n').pop()!);
}

const isLoopback = (destination: string) =>
  /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost):\d+$/.test(destination) || destination.startsWith('/');

describe('a sandbox bridge makes no request off the machine', () => {
  it('connects only to loopback, resolves no outside name and prints no metadata warning, through an agent and a transcribe call', () => {
    const seen = probe({});
    expect(seen.connections.length).toBeGreaterThan(0);
    expect(seen.connections.filter((destination) => !isLoopback(destination))).toEqual([]);
    expect(seen.lookups.filter((host) => host !== 'localhost' && host !== '127.0.0.1')).toEqual([]);
    expect(seen.warnings.filter((warning) => /Metadata/i.test(warning))).toEqual([]);
  }, 90_000);
});
