import { BridgeError } from '../shared/errors';

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** PostgreSQL refused the data itself (SQLSTATE class 22 or 23), not the connection: retrying the same rows cannot help. */
export function isDataError(error: unknown): boolean {
  return /^2[23]/.test(codeOf(error) ?? '');
}

/**
 * PostgreSQL could not be reached or went away: a socket error (ECONNREFUSED…), a connection
 * exception (class 08), an operator intervention such as a shutdown (57P), or pg's own
 * connection timeouts and terminations (no code).
 */
export function isUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code) return /^(E[A-Z]+|08|57P)/.test(code);
  return error instanceof Error && /timeout|terminated|Connection|ECONN/i.test(error.message);
}

/** Runs a read or write of the archive; an unreachable database answers 503 ARCHIVE_UNAVAILABLE. */
export async function archiveRequest<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUnavailable(error)) throw new BridgeError('ARCHIVE_UNAVAILABLE');
    throw error;
  }
}
