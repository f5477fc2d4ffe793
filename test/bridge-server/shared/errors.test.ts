import { ERROR_CODES, RETIRED_ERROR_CODES } from '../../../bridge-server/src/shared/errors';

describe('error registry', () => {
  it('never reuses a retired code', () => {
    for (const code of RETIRED_ERROR_CODES) expect(Object.keys(ERROR_CODES)).not.toContain(code);
  });

  it('gives bad input a 4xx: only INTERNAL is a 500', () => {
    expect(
      Object.entries(ERROR_CODES)
        .filter(([, e]) => e.status === 500)
        .map(([code]) => code),
    ).toEqual(['INTERNAL']);
  });
});
