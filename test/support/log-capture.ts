import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../bridge-server/src/shared/logger';

/** The bridge's own logger (redaction and masking included), writing into an array of parsed lines. */
export function capturingLogger(level = 'info'): { log: Logger; lines: Record<string, unknown>[]; text: () => string } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { log: createLogger({ level, destination: sink }), lines, text: () => raw.join('\n') };
}
