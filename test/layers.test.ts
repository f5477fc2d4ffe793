import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The boundary check (`npm run lint:layers`, dependency-cruiser with .dependency-cruiser.cjs)
 * passes on the tree as it is and fails when a forbidden import is added: run on a copy of the
 * source with one such import per rule.
 */
const ROOT = join(__dirname, '..');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const ARGS = ['bridge-server/src', 'bench/src', 'nodes', 'credentials', '--config', '.dependency-cruiser.cjs'];

function cruise(cwd: string): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(process.execPath, [DEPCRUISE, ...ARGS], { cwd, encoding: 'utf8' }) };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** For each rule, imports that break it: the file that gets one, and what it imports. */
const FORBIDDEN: [rule: string, imports: [file: string, importPath: string][]][] = [
  ['layer-audio', [['bridge-server/src/audio/mulaw.ts', '../calls/agent-conversation']]],
  ['layer-store', [['bridge-server/src/store/call-store.ts', '../calls/media-stream-session']]],
  ['adapter-twilio-alone', [['bridge-server/src/twilio/twiml.ts', '../agent/voices']]],
  ['production-without-sandbox', [['bridge-server/src/calls/call-service.ts', '../sandbox/start']]],
  ['production-without-bench', [['bridge-server/src/http/app.ts', '../../../bench/src/timing']]],
  ['nodes-without-bridge', [['nodes/shared/transport.ts', '../../bridge-server/src/shared/errors']]],
  [
    'no-cycles',
    [
      ['bridge-server/src/shared/ids.ts', './errors'],
      ['bridge-server/src/shared/errors.ts', './ids'],
    ],
  ],
];

describe('the boundary check', () => {
  let copy: string;

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'vb-layers-'));
    for (const path of ['bridge-server/src', 'bridge-server/tsconfig.json', 'bench/src', 'nodes', 'credentials'])
      cpSync(join(ROOT, path), join(copy, path), { recursive: true });
    for (const file of ['.dependency-cruiser.cjs', 'tsconfig.depcruise.json'])
      cpSync(join(ROOT, file), join(copy, file));
  });

  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('passes on the source as it is', () => {
    const result = cruise(ROOT);
    expect(result.output).toContain('no dependency violations found');
    expect(result.ok).toBe(true);
  }, 60_000);

  it.each(FORBIDDEN)(
    'fails with %s when a forbidden import is added',
    (rule, imports) => {
      const originals = imports.map(([file]) => [join(copy, file), readFileSync(join(copy, file), 'utf8')] as const);
      try {
        imports.forEach(([, importPath], i) =>
          writeFileSync(originals[i][0], `import '${importPath}';\n${originals[i][1]}`),
        );
        const result = cruise(copy);
        expect(result.ok).toBe(false);
        expect(result.output).toContain(rule);
      } finally {
        for (const [path, text] of originals) writeFileSync(path, text);
      }
    },
    60_000,
  );
});
