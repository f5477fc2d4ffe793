export type Env = Record<string, string | undefined>;

/** Reads typed values from the environment, collecting every problem instead of stopping at the first. */
export class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  text(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  flag(name: string): boolean {
    const value = this.text(name);
    if (value === undefined) return false;
    if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
    this.problems.push(`${name} must be 1/0 or true/false (got "${value}")`);
    return false;
  }

  number(name: string, fallback: number, min: number, max: number, integer = true): number {
    const value = this.text(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
      this.problems.push(
        `${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got "${value}")`,
      );
      return fallback;
    }
    return parsed;
  }

  url(name: string, protocols: string[]): string | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) throw new Error('protocol');
      return value.replace(/\/+$/, '');
    } catch {
      this.problems.push(
        `${name} must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL (got "${value}")`,
      );
      return undefined;
    }
  }

  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if ((choices as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${choices.join(', ')} (got "${value}")`);
    return fallback;
  }

  /** A comma- or space-separated list; undefined when unset or empty. */
  list(name: string): string[] | undefined {
    const items = this.text(name)
      ?.split(/[\s,]+/)
      .filter(Boolean);
    return items?.length ? items : undefined;
  }

  required(name: string, why: string): string | undefined {
    const value = this.text(name);
    if (value === undefined) this.problems.push(`${name} is required ${why}`);
    return value;
  }
}
