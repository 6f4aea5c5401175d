import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

/** Svelte component tests (jsdom): they need the Svelte plugin and Svelte's client build. */
const componentTests = ['test/viewer/**/*.test.ts', 'test/explorer/**/*.test.ts', 'test/renderer/**/*.test.ts'];

export default defineConfig({
  resolve: {
    alias: { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) },
  },
  test: {
    testTimeout: 30_000,
    // Component test files choose jsdom with `// @vitest-environment jsdom`.
    // Two projects so that only the component tests resolve packages with the `browser`
    // condition (Node packages such as ws must keep their Node build elsewhere).
    projects: [
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'], exclude: componentTests, environment: 'node' } },
      { extends: true, plugins: [svelte(), svelteTesting()], test: { name: 'components', include: componentTests, environment: 'node' } },
    ],
  },
});
