import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('wire types shared by the nodes and the bridge', () => {
  it('keeps nodes/shared/wire-types.ts identical to bridge-server/src/shared/wire-types.ts', () => {
    const root = join(__dirname, '..', '..');
    expect(readFileSync(join(root, 'nodes/shared/wire-types.ts'), 'utf8')).toBe(
      readFileSync(join(root, 'bridge-server/src/shared/wire-types.ts'), 'utf8'),
    );
  });
});
