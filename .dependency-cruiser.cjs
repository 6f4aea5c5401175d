// The cycle check (`npm run check:cycles`, part of `npm test`): dependency-cruiser follows every
// .ts, .mts, .js, .mjs and .svelte import (the `@shared/*` alias through tsconfig.json) and fails
// on every import cycle. The two rules tell the kinds apart: a cycle that exists at run time
// (modules see each other half-initialized), and one through an `import type` edge, which vanishes
// when TypeScript is compiled but still ties two files into one (move the shared type down).
// The layer rules themselves live in eslint.config.js (one table); this file checks cycles only.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-runtime-cycle',
      severity: 'error',
      comment: 'An import cycle that is still there after compilation: modules see each other half-initialized.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-type-cycle',
      severity: 'error',
      comment: 'A cycle through at least one `import type`: harmless at run time, but a sign two files belong together.',
      from: {},
      to: { circular: true, via: { dependencyTypes: ['type-only'] } },
    },
  ],
  options: {
    // Fixtures are inputs of tests (test/fixtures/cycles holds a planted cycle on purpose).
    exclude: { path: ['(^|/)node_modules/', '^out/', '^dist/', '^coverage/', '^test/fixtures/'] },
    doNotFollow: { path: ['(^|/)node_modules/'] },
    // Keep `import type` edges in the graph (marked type-only) so both kinds of cycle are seen.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.svelte', '.json'],
      conditionNames: ['import', 'require', 'node', 'default'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
