/**
 * What logs must never carry in full: phone numbers (masked to `+1555•••0000`) and URLs'
 * credentials and query strings (n8n resume URLs carry their signature in the query).
 */

const PHONE = /\+[1-9]\d{6,14}\b|(?<![\w.])\d{10,15}(?![\w.])/g;

export function maskPhoneNumber(number: string): string {
  const plus = number.startsWith('+') ? 1 : 0;
  if (number.length - plus < 8) return number.slice(0, plus) + '•'.repeat(number.length - plus);
  return `${number.slice(0, plus + 4)}•••${number.slice(-4)}`;
}

export function maskPhoneNumbers(text: string): string {
  return text.replace(PHONE, maskPhoneNumber);
}

/** `https://user:pw@host/path?token=x` → `https://host/path?…` (unparseable input is cut short). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return `${url.slice(0, 24)}…`;
  }
}

const MAX_DEPTH = 6;

/** A copy of a log object with every phone number in its strings (and errors' texts) masked. */
export function maskLogObject<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return maskPhoneNumbers(value) as T;
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value;
  if (value instanceof Error) {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(value) as object) as Error, value);
    copy.message = maskPhoneNumbers(value.message);
    if (value.stack) copy.stack = maskPhoneNumbers(value.stack);
    // Drivers put the offending values in fields of their own (PostgreSQL's `detail`, `where`).
    const fields = copy as unknown as Record<string, unknown>;
    for (const key of Object.keys(fields))
      if (typeof fields[key] === 'string') fields[key] = maskPhoneNumbers(fields[key] as string);
    return copy as T;
  }
  if (Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((item) => maskLogObject(item, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = maskLogObject(item, depth + 1);
  return out as T;
}
