import { createHash, timingSafeEqual } from 'node:crypto';
import { BridgeError } from '../shared/errors';

/**
 * Bearer-key check in constant time. Both sides are hashed first so the comparison never
 * depends on, or reveals, the key's length.
 */
export function bearerKeyChecker(apiKey: string | undefined): (authorization: string | undefined) => void {
  if (!apiKey) return () => undefined;
  const expected = createHash('sha256').update(apiKey).digest();
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    const given = createHash('sha256')
      .update(match ? match[1].trim() : '')
      .digest();
    if (!match || !timingSafeEqual(given, expected)) throw new BridgeError('UNAUTHORIZED');
  };
}
