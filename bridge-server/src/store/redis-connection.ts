import { once } from 'node:events';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../config/redis-settings';
import type { Logger } from '../shared/logger';

/** A command that takes longer than this counts as the store being unreachable. */
const COMMAND_TIMEOUT_MS = 1000;

/** A single Redis or a Redis Cluster: the stores use only commands both route alike. */
export type RedisClient = Redis | Cluster;

export type RedisRole = 'commands' | 'live-subscriber' | 'events-reader' | 'archive-reader';

/**
 * One ioredis client per role (commands, subscriptions and blocking stream reads need their own).
 * Nothing waits for a lost connection: with the offline queue off, a command while Redis is
 * unreachable fails at once (the API answers 503 STORE_UNAVAILABLE, calls hold their writes),
 * and one that gets no answer fails after a second. The blocking reader has no timeout: its
 * reads are meant to wait. With cluster nodes, an ioredis Cluster client (slots discovered from
 * the seeds; the URL's user and password used on every node).
 */
export function connectRedis(settings: RedisSettings, log: Logger, role: RedisRole): RedisClient {
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: role === 'commands' ? COMMAND_TIMEOUT_MS : undefined,
    enableReadyCheck: true,
    connectionName: `voice-bridge:${role}`,
  };
  let redis: RedisClient;
  if (settings.clusterNodes) {
    const { username, password, protocol } = new URL(settings.url);
    redis = new Cluster([...settings.clusterNodes], {
      enableOfflineQueue: false,
      enableReadyCheck: true,
      redisOptions: {
        ...options,
        username: decodeURIComponent(username) || undefined,
        password: decodeURIComponent(password) || undefined,
        tls: protocol === 'rediss:' ? {} : undefined,
      },
    });
  } else redis = new Redis(settings.url, options);
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

/** Resolves once the client is ready; rejects after `timeoutMs` with the connection's last error. */
export async function redisReady(redis: RedisClient, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  let lastError: Error | undefined;
  const onError = (error: Error) => (lastError = error);
  redis.on('error', onError);
  try {
    await Promise.race([
      once(redis, 'ready'),
      new Promise((_, reject) =>
        setTimeout(() => reject(lastError ?? new Error(`no answer in ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
  } finally {
    redis.off('error', onError);
  }
}
