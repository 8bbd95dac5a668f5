import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/generated/**', '**/node_modules/**', '**/.turbo/**', '**/.data/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment only in a config.ts (validated once per process).',
        },
      ],
    },
  },
  {
    // The one place per process that reads the environment, and the tooling around it.
    files: ['**/src/config.ts', '**/src/env.ts', '**/*.config.ts', 'vitest.shared.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
