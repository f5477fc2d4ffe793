import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const BRIDGE_BIN = join(__dirname, '..', '..', 'bridge-server', 'bin', 'voice-bridge.js');

export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `voice-bridge [args]` with only `env` (and PATH, HOST) until it exits, or sends it
 * SIGTERM after `ms`: its exit code and what it wrote.
 */
export function runBridgeBin(env: Record<string, string>, args: string[] = [], ms = 15_000): Promise<BinResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BRIDGE_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
