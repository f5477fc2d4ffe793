import { Redis } from 'ioredis';
import type { Logger } from '../logger';

/** One ioredis client per role (commands, blocking reads and subscriptions need their own). */
export function connectRedis(url: string, log: Logger, role: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 3, enableReadyCheck: true, connectionName: `voice-bridge:${role}` });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // ioredis retries on its own; log each distinct problem once, not on every attempt.
    if (error.message !== lastError) log.warn({ err: error, role }, 'Redis connection problem');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError) log.info({ role }, 'Redis connection restored');
    lastError = '';
  });
  return redis;
}
