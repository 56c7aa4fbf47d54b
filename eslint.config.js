// Typed ESLint for the whole workspace, with Nx module boundaries that constrain who imports whom.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

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
              onlyDependOnLibsWithTags: ['type:platform', 'type:proto', 'type:storage'],
            },
            // A service never imports another service: they talk over gRPC only.
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            {
              sourceTag: 'scope:device-registry',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:device-registry'],
            },
            {
              sourceTag: 'scope:sensor-ingestion',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:sensor-ingestion'],
            },
            {
              sourceTag: 'scope:data-processor',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:data-processor'],
            },
            {
              sourceTag: 'scope:alert-manager',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:alert-manager'],
            },
            {
              sourceTag: 'scope:notification',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:notification'],
            },
            {
              sourceTag: 'scope:edge-gateway',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:edge-gateway'],
            },
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
