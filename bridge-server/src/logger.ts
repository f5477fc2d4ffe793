import pino, { type Logger } from 'pino';
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

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      name: 'voice-bridge',
      level: options.level ?? 'info',
      redact: { paths: REDACT, censor: '[redacted]' },
      // Phone numbers reach logs inside other texts too (Twilio's error messages): mask them all.
      formatters: { log: (object) => maskLogObject(object) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? maskPhoneNumbers(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

/** A logger that drops everything, for tests and benchmarks that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
