// Typed ESLint for the whole workspace, with Nx module boundaries that constrain who imports whom.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import { readFileSync } from 'node:fs';

// Each service may import only shared libs and itself, derived from the one service list.
const catalog = JSON.parse(readFileSync(new URL('./services/catalog.json', import.meta.url), 'utf8'));
const serviceScopes = [...catalog.services.map((s) => s.name), 'edge-gateway'].map((name) => ({
  sourceTag: `scope:${name}`,
  onlyDependOnLibsWithTags: ['scope:shared', `scope:${name}`],
}));

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'libs/proto/src/generated/**', '.toolchain/**', '**/*.cjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:proto', onlyDependOnLibsWithTags: ['type:proto'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:proto'] },
            { sourceTag: 'type:storage', onlyDependOnLibsWithTags: ['type:platform'] },
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:platform', 'type:proto', 'type:storage'],
            },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: ['type:platform', 'type:proto', 'type:storage', 'type:tool'],
            },
            // A service never imports another service: they talk over gRPC only.
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            ...serviceScopes,
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'only', message: '.only would skip the rest of the suite in CI' },
        { object: 'it', property: 'only', message: '.only would skip the rest of the suite in CI' },
        { object: 'test', property: 'only', message: '.only would skip the rest of the suite in CI' },
      ],
    },
  },
  prettier,
);
