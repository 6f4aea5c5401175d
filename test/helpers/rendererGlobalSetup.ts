/**
 * Vitest global setup of the end-to-end project (vitest.config.ts): builds the renderer once per
 * test run into a temporary folder and provides its path as `rendererDir` (read with
 * {@link rendererDir}); the folder is removed after the run. It runs whenever an e2e file runs,
 * also alone (`npx vitest run test/e2e/app.e2e.test.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { buildRenderer } from './buildRenderer';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder holding this run's renderer build (index.html and its assets). */
    rendererDir: string;
  }
}

/** Builds the renderer and provides its folder; the returned teardown removes it. */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'patchlens-e2e-renderer-'));
  const t0 = performance.now();
  await buildRenderer(dir);
  console.log(`rendererGlobalSetup: renderer built into ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  project.provide('rendererDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

/** This run's renderer build (inside a test of the e2e project); throws when the global setup did not run. */
export function rendererDir(): string {
  const dir = inject('rendererDir');
  if (!dir) throw new Error('rendererDir: no renderer build was provided; run the file through vitest (its e2e project builds it in test/helpers/rendererGlobalSetup.ts)');
  return dir;
}
