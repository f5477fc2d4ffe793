import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { maskLogObject, maskPhoneNumbers } from './log-redaction';

export type { Logger };

/** Paths never logged: secrets in headers and config, and raw audio. */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  '*.apiKey',
  '*.authToken',
  '*.secret',
  '*.payload',
];

export type LogFormat = 'json' | 'pretty';

/** One human line per entry, for a terminal; the same fields as the JSON lines. */
export function prettyDestination(): pino.DestinationStream {
  return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name', singleLine: true });
}

/**
 * Standard output, written synchronously. When its reader has gone (a closed pipe), lines are
 * dropped instead of the write error surfacing in whatever code happened to log.
 */
function stdoutDestination(): pino.DestinationStream {
  const destination = pino.destination({ dest: 1, sync: true });
  destination.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.stderr.write(`voice-bridge: log output failed: ${error.message}\n`);
  });
  return destination;
}

export function createLogger(
  options: { level?: string; destination?: pino.DestinationStream; format?: LogFormat } = {},
): Logger {
  return pino(
    {
      name: 'voice-bridge',
      level: options.level ?? 'info',
      redact: { paths: REDACT, censor: '[redacted]' },
      // Phone numbers reach logs inside other texts too (Twilio's error messages): mask them all.
      formatters: { log: (object) => maskLogObject(object) },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? maskPhoneNumbers(arg) : arg)) as Parameters<typeof method>,
          );
        },
      },
    },
    options.destination ?? (options.format === 'pretty' ? prettyDestination() : stdoutDestination()),
  );
}

/** A logger that drops everything, for tests and benchmarks that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
