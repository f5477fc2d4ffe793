import { Cluster, Redis } from 'ioredis';

/** The Redis tests use: the machine's, or TEST_REDIS_URL. */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
/** Set (host:port,…) by `npm run test:cluster`: the suites that honour it run on a Redis Cluster. */
export const CLUSTER_NODES = process.env.TEST_REDIS_CLUSTER_NODES;

/** The bridge's settings for the test Redis: the cluster when one is given, else REDIS_URL. */
export function redisEnv(url = REDIS_URL): Record<string, string> {
  return CLUSTER_NODES && url === REDIS_URL ? { REDIS_CLUSTER_NODES: CLUSTER_NODES } : { REDIS_URL: url };
}

function clusterSeeds(): { host: string; port: number }[] {
  return (CLUSTER_NODES ?? '').split(',').map((item) => {
    const [host, port] = item.trim().split(':');
    return { host, port: Number(port) };
  });
}

/** A client of the test Redis, for looking at what a bridge wrote. */
export function testRedis(url = REDIS_URL): Redis | Cluster {
  return CLUSTER_NODES && url === REDIS_URL ? new Cluster(clusterSeeds()) : new Redis(url);
}

/** Removes every key of `prefix` (keys carry it inside a hash tag too: `{<prefix>calls}`). */
export async function cleanRedis(prefix: string, url = REDIS_URL): Promise<void> {
  const client = testRedis(url);
  try {
    const nodes = client instanceof Cluster ? client.nodes('master') : [client];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 500);
        cursor = next;
        // One key at a time: on a cluster, keys of different slots cannot go in one DEL.
        await Promise.all(keys.map((key) => node.del(key)));
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
}
