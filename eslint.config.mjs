import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Module boundaries (see README "Workspace layout"):
 * - an app never imports another app;
 * - only the issuer (auth-service) may import token-issuer, which holds private-key code;
 * - the edge building blocks (route table, proxy, identity headers set at the edge) are for edges
 *   only: a domain service cannot import them;
 * - tooling libs (local PostgreSQL, test helpers) never ship inside an app.
 */
export default [
  { ignores: ['**/dist', '**/node_modules', '**/.data', '**/tmp', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:lib', 'type:tooling'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:tooling'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:issuer', onlyDependOnLibsWithTags: ['scope:shared', 'scope:issuer'] },
            { sourceTag: 'scope:verifier', onlyDependOnLibsWithTags: ['scope:shared', 'scope:verifier'] },
            { sourceTag: 'scope:edge', onlyDependOnLibsWithTags: ['scope:shared', 'scope:edge'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:verifier', 'scope:edge'] },
            { sourceTag: 'scope:domain', onlyDependOnLibsWithTags: ['scope:shared', 'scope:verifier'] },
            // Tooling (tests kit, launcher, demo, bench) may use any lib; no app may use tooling (type:tooling).
            { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // Tests may also use the tooling libs (real PostgreSQL, the test kit, the cluster) and any lib
    // they test against (the issuer's signer, to make tokens); production code may not. Still no
    // relative import into another project, and no app imports another app.
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }],
        },
      ],
    },
  },
  // Layout is prettier's job (`npm run format`): no lint rule may disagree with it.
  prettier,
];
