import { randomBytes } from 'node:crypto';

/**
 * Resource ids: a kind prefix and 24 hex digits (96 random bits). A string of any other shape is
 * never a stored id, so lookups refuse it before it reaches the store (where `call:<id>:transcript`
 * or a waiter's call key would otherwise name a key of another type).
 */
export type IdKind = 'call' | 'sub' | 'wtr' | 'evt';

const HEX24 = '[0-9a-f]{24}';
const PATTERNS: Record<IdKind, RegExp> = {
  call: new RegExp(`^call_${HEX24}$`),
  sub: new RegExp(`^sub_${HEX24}$`),
  wtr: new RegExp(`^wtr_${HEX24}$`),
  evt: new RegExp(`^evt_${HEX24}$`),
};
const DEAD_LETTER = new RegExp(`^evt_${HEX24}:(s_sub|w_wtr)_${HEX24}$`);

export function newId(kind: IdKind): string {
  return `${kind}_${randomBytes(12).toString('hex')}`;
}

export function isId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && PATTERNS[kind].test(value);
}

/** A dead letter is one event's job for one target: `<eventId>:<s|w>_<targetId>`. */
export function isDeadLetterId(value: unknown): value is string {
  return typeof value === 'string' && DEAD_LETTER.test(value);
}
