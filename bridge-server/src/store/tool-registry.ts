import type { Redis } from 'ioredis';
import type { RegisteredTool } from '../shared/wire-types';

/** A registered tool as stored: with the secret its requests are signed with. */
export interface StoredTool extends RegisteredTool {
  secret: string;
}

/**
 * Tools registered with the bridge (the Voice Agent Tool trigger registers one on publish),
 * which any call may name in `agent.registeredTools`. Shared by every instance through Redis.
 */
export interface ToolRegistry {
  put(tool: StoredTool): Promise<void>;
  /** True when there was one to remove. */
  delete(name: string): Promise<boolean>;
  list(): Promise<StoredTool[]>;
  /** The named tools that are registered (unknown names are left out). */
  get(names: readonly string[]): Promise<StoredTool[]>;
}

export class MemoryToolRegistry implements ToolRegistry {
  private readonly tools = new Map<string, StoredTool>();

  async put(tool: StoredTool): Promise<void> {
    this.tools.set(tool.name, tool);
  }

  async delete(name: string): Promise<boolean> {
    return this.tools.delete(name);
  }

  async list(): Promise<StoredTool[]> {
    return [...this.tools.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(names: readonly string[]): Promise<StoredTool[]> {
    return names.flatMap((name) => this.tools.get(name) ?? []);
  }
}

/** One hash, `<prefix>tools`: name → the tool as JSON. */
export class RedisToolRegistry implements ToolRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}tools`;
  }

  async put(tool: StoredTool): Promise<void> {
    await this.redis.hset(this.key, tool.name, JSON.stringify(tool));
  }

  async delete(name: string): Promise<boolean> {
    return (await this.redis.hdel(this.key, name)) > 0;
  }

  async list(): Promise<StoredTool[]> {
    const all = await this.redis.hvals(this.key);
    return all.map((json) => JSON.parse(json) as StoredTool).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(names: readonly string[]): Promise<StoredTool[]> {
    if (names.length === 0) return [];
    const found = await this.redis.hmget(this.key, ...names);
    return found.flatMap((json) => (json ? [JSON.parse(json) as StoredTool] : []));
  }
}
