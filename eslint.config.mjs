// n8n's community-node rules for the package users install (nodes/, credentials/, package.json),
// and a plain strict TypeScript setup for the bridge server and the tests.
import { config as n8nCommunityConfig } from '@n8n/node-cli/eslint';
import tseslint from 'typescript-eslint';

const nodePackageFiles = ['nodes/**/*.ts', 'credentials/**/*.ts'];

// n8n's config targets every **/*.ts; narrow it to the node package's own sources.
const n8nRules = n8nCommunityConfig.map((entry) =>
  Array.isArray(entry.files) && entry.files.includes('**/*.ts') ? { ...entry, files: nodePackageFiles } : entry,
);

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'bridge-server/dist/**',
      'bridge-server/assembly/**',
      'node_modules/**',
      'coverage/**',
      'test-artifacts/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  ...n8nRules,
  {
    files: ['bridge-server/src/**/*.ts', 'test/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests poke at JSON responses of every shape.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
