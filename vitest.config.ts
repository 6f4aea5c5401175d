import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration, type ViteUserConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

/** Svelte component tests (jsdom): they need the Svelte plugin and Svelte's client build. */
const componentTests = ['test/viewer/**/*.test.ts', 'test/explorer/**/*.test.ts', 'test/renderer/**/*.test.ts'];
/** The app in Chromium: their project builds the renderer once per run (test/helpers/rendererGlobalSetup.ts). */
const e2eTests = ['test/e2e/**/*.test.ts'];

/**
 * What `npm run test:fast` leaves out (`npm test` runs everything): suites that open Chromium,
 * build the app, or run the real brainchop models (../shared/models). The fast set's model is the
 * demo's (demo/model: 21 KB, 6 channels) or one built in the test.
 */
export const SLOW_TESTS = [
  'test/slow/**/*.test.ts', // the real brainchop models on real MRI, the CLI stopping a real model
  'test/browser/**/*.test.ts', // the engine and the viewer in Chromium
  'test/e2e/**/*.test.ts', // the app in Chromium with real services
  'test/readme/**/*.test.ts', // the README's commands, run as written
  'test/transport/wsTransport.browser.test.ts', // the WebSocket transport in Chromium
  'test/app/electron-build.test.ts', // electron-vite builds main, preload and renderer
  'test/engine/cancelWithinWindow.test.ts', // two whole 128³ passes of brainchop model5_gw_ae
  'test/cli/patchWarning.test.ts', // patchlens infer with brainchop model5_gw_ae
  'test/cli/infer.test.ts', // patchlens infer with brainchop model5_gw_ae
  'test/engine/model/knownModels.test.ts', // the four brainchop models predict
  'test/engine/model/instanceNorm.test.ts', // mindgrab layer by layer
  // Integration: whole runs of the demo model, child processes, worker threads with time limits,
  // PDFs printed by Chromium. test:fast is the quick loop; npm test runs these too.
  'test/compute/computeDemo.test.ts', // demo-model runs through the compute worker
  'test/compute/pageRun.test.ts', // demo-model runs through the page compute path
  'test/app-services/sessions.test.ts', // the service host with demo-model jobs in several sessions
  'test/app-services/runImageIdentity.test.ts', // demo-model runs matched to their image
  'test/app/runJobsSweep.test.ts', // sweeps through the service host
  'test/fuzz/fuzz.test.ts', // fuzzes a running server
  'test/transport/serve.test.ts', // npm run serve as a child process
  'test/transport/serveStop.test.ts', // stopping npm run serve with signals
  'test/cli/signals.test.ts', // stopping the CLI with signals mid-run
  'test/cli/outputs.test.ts', // patchlens infer writing and reusing --out
  'test/sweep/sweepCli.test.ts', // patchlens sweep on the demo
  'test/sweep/timeModel.test.ts', // sweeps timed on real cases
  'test/demo/demo.test.ts', // npm run demo's sweep and report
  'test/engine/model/noHang.test.ts', // model checks in worker threads up to their 10 s limit
  'test/engine/model/modelCheck.test.ts', // model checks in worker threads
  'test/compute-agent/engineProbe.test.ts', // the backend probe's rounds
  'test/report/writeReport.test.ts', // reports printed to PDF by Chromium
  'test/report/pdfLayout.test.ts', // PDF pages rendered and measured
  'test/report/reportCommand.test.ts', // patchlens report to PDF
];

/** A test set: `all` (`npm test`), `fast` (`npm run test:fast`) or `slow` (`npm run test:slow`). */
export type TestSet = 'all' | 'fast' | 'slow';

/**
 * The test projects of a set: `all` is every test file; `fast` the same without
 * {@link SLOW_TESTS}; `slow` only those. Vitest's `--exclude` on the command line does not reach
 * a project's own `exclude` (test/slow ran in `test:fast` that way), so each set has its config:
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
      // Component test files choose jsdom with `// @vitest-environment jsdom`.
      // Separate projects so that only the component tests resolve packages with the `browser`
      // condition (Node packages such as ws must keep their Node build elsewhere), and only the
      // e2e files wait for the renderer build.
      projects: testProjects(set),
    },
  });
}

export default testConfig('all');
