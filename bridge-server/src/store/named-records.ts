import type { RedisClient } from './redis-connection';

/**
 * Small records kept by name (registered tools, inbound routes), shared by every instance
 * through Redis. Putting one again replaces it.
 */
export interface NamedRecords<T> {
  put(record: T): Promise<void>;
  /** True when there was one to remove. */
  delete(name: string): Promise<boolean>;
  /** Every record, ordered by name. */
  list(): Promise<T[]>;
  /** The named records that exist (unknown names are left out). */
  get(names: readonly string[]): Promise<T[]>;
}

export class MemoryNamedRecords<T> implements NamedRecords<T> {
  protected readonly records = new Map<string, T>();

  constructor(private readonly nameOf: (record: T) => string) {}

  async put(record: T): Promise<void> {
    this.records.set(this.nameOf(record), record);
  }

  async delete(name: string): Promise<boolean> {
    return this.records.delete(name);
  }

  async list(): Promise<T[]> {
    return [...this.records.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, record]) => record);
  }

  async get(names: readonly string[]): Promise<T[]> {
    return names.flatMap((name) => this.records.get(name) ?? []);
  }
}

/** One hash, `<prefix><kind>`: name → the record as JSON. */
export class RedisNamedRecords<T> implements NamedRecords<T> {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly nameOf: (record: T) => string,
  ) {}

  async put(record: T): Promise<void> {
    await this.redis.hset(this.key, this.nameOf(record), JSON.stringify(record));
  }

  async delete(name: string): Promise<boolean> {
    return (await this.redis.hdel(this.key, name)) > 0;
  }

  async list(): Promise<T[]> {
    const all = await this.redis.hgetall(this.key);
    return Object.keys(all)
      .sort((a, b) => a.localeCompare(b))
      .map((name) => JSON.parse(all[name]) as T);
  }

  async get(names: readonly string[]): Promise<T[]> {
    if (names.length === 0) return [];
    const found = await this.redis.hmget(this.key, ...names);
    return found.flatMap((json) => (json ? [JSON.parse(json) as T] : []));
  }
}
