import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('wire types shared by the nodes and the bridge', () => {
  const root = join(__dirname, '..', '..');

  it.each(['wire-types.ts', 'agent-wire-types.ts'])('keeps nodes/shared/%s identical to the bridge’s', (file) => {
    expect(readFileSync(join(root, 'nodes/shared', file), 'utf8')).toBe(
      readFileSync(join(root, 'bridge-server/src/shared', file), 'utf8'),
    );
  });
});
