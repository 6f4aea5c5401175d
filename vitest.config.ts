import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration, type ViteUserConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

/**
 * Test files mirror the source tree: a test of `src-node/app/projectStore.ts` is
 * `test/src-node/app/projectStore.test.ts`. Besides: `test/e2e` (the whole app in Chromium),
 * `test/repo` (README, lint and cycle rules), `test/helpers` and `test/fixtures` (what tests share).
 */

/**
 * Svelte component tests (jsdom): the renderer's folders that hold components. They need the
 * Svelte plugin and Svelte's client build. A `*.browser.test.ts` there runs Chromium from Node.
 */
const componentTests = ['test/src-renderer/{annotation,app,commands,explorer,jobs,viewer}/**/!(*.browser).test.ts'];
/** The app in Chromium: their project builds the renderer once per run (test/helpers/rendererGlobalSetup.ts). */
const e2eTests = ['test/e2e/**/*.test.ts'];

/**
 * What `npm run test:fast` leaves out (`npm test` runs everything); a file's name says which it is:
 * - `*.slow.test.ts`: the real brainchop models (../shared/models) on real MRI, whole demo-model
 *   runs through workers, pages or the service host, child processes (the CLI, `npm run serve`,
 *   the demo) stopped by signals, electron-vite builds, PDFs printed by Chromium, the fuzzer;
 * - `*.browser.test.ts`: the engine, the viewer and the WebSocket transport in Chromium;
 * - `test/e2e/`: the app in Chromium with real services.
 * The fast set's models are the tiny fixture (test/fixtures/tiny-model), the demo's (demo/model:
 * 21 KB) or one built in the test.
 */
export const SLOW_TESTS = ['test/**/*.slow.test.ts', 'test/**/*.browser.test.ts', ...e2eTests];

/** A test set: `all` (`npm test`), `fast` (`npm run test:fast`) or `slow` (`npm run test:slow`). */
export type TestSet = 'all' | 'fast' | 'slow';

/**
 * The test projects of a set: `all` is every test file; `fast` the same without
 * {@link SLOW_TESTS}; `slow` only those. Vitest's `--exclude` on the command line does not reach
 * a project's own `exclude` (the slow tests ran in `test:fast` that way), so each set has its config:
 * vitest.fast.config.ts, vitest.slow.config.ts.
 */
export function testProjects(set: TestSet): TestProjectInlineConfiguration[] {
  const e2e: TestProjectInlineConfiguration = { extends: true, test: { name: 'e2e', include: e2eTests, environment: 'node', globalSetup: ['test/helpers/rendererGlobalSetup.ts'] } };
  const components: TestProjectInlineConfiguration = { extends: true, plugins: [svelte(), svelteTesting()], test: { name: 'components', include: componentTests, environment: 'node' } };
  if (set === 'slow') return [{ extends: true, test: { name: 'node', include: SLOW_TESTS, exclude: [...componentTests, ...e2eTests], environment: 'node' } }, e2e];
  const node: TestProjectInlineConfiguration = { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'], exclude: [...componentTests, ...e2eTests, ...(set === 'fast' ? SLOW_TESTS : [])], environment: 'node' } };
  return set === 'fast' ? [node, components] : [node, components, e2e];
}

/** The configuration of a test set (aliases, timeout, projects). */
export function testConfig(set: TestSet): ViteUserConfig {
  return defineConfig({
    resolve: {
      alias: { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) },
    },
    test: {
      testTimeout: 30_000,
      // Vitest runs files on all cores but one by default: one file at a time on this 2-core
      // machine. The fast set has no timing assertions and no Chromium, so it uses every core
      // (3 min 54 s → about 2 min 30 s here); the whole suite keeps the default, so that its
      // Chromium and worker-thread suites do not compete with another file.
      ...(set === 'fast' ? { maxWorkers: availableParallelism() } : {}),
      // Component test files choose jsdom with `// @vitest-environment jsdom`.
      // Separate projects so that only the component tests resolve packages with the `browser`
      // condition (Node packages such as ws must keep their Node build elsewhere), and only the
      // e2e files wait for the renderer build.
      projects: testProjects(set),
    },
  });
}

export default testConfig('all');
