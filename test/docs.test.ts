import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ERROR_CODES } from '../bridge-server/src/shared/errors';

const ROOT = join(__dirname, '..');
const DOCUMENTS = [
  'README.md',
  'SECURITY.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** `[text](target)` links, outside code blocks and spans. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]);
}

describe('the documentation', () => {
  it.each(DOCUMENTS)('%s links only to files in the repository, and each exists', (file) => {
    for (const link of links(read(file))) {
      expect({ file, link, external: /^[a-z]+:/i.test(link) }).toEqual({ file, link, external: false });
      const target = link.split('#')[0];
      if (!target) continue;
      const path = resolve(dirname(join(ROOT, file)), target);
      expect({
        link,
        inRepository: path.startsWith(ROOT) && !path.includes('/shared/'),
        exists: existsSync(path),
      }).toEqual({ link, inRepository: true, exists: true });
    }
  });

  it('documents every error code with its HTTP status (docs/api.md)', () => {
    const api = read('docs/api.md');
    for (const [code, { status }] of Object.entries(ERROR_CODES))
      expect(api).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
  });

  it('documents every environment variable the configuration reads (docs/configuration.md)', () => {
    const config = read('bridge-server/src/config/load-config.ts');
    const names = new Set(
      [...config.matchAll(/\b(?:text|flag|number|url|list|choice|required)\('([A-Z_]+)'/g)].map((m) => m[1]),
    );
    expect(names.size).toBeGreaterThan(20);
    const documentation = read('docs/configuration.md');
    expect([...names].filter((name) => !documentation.includes(`\`${name}\``))).toEqual([]);
  });
});
