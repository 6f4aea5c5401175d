/**
 * The app's renderer (vite.renderer.config.ts) built for a plain browser into a folder: what the
 * browser transport serves. The end-to-end suites get one build per test run from
 * rendererGlobalSetup.ts; `npm run bench` builds its own.
 */
import { resolve } from 'node:path';
import { repoRoot } from './sharedData';

/** Builds the renderer into `outDir` (emptied first) and resolves once it is written. */
export async function buildRenderer(outDir: string): Promise<void> {
  if (!outDir) throw new Error('buildRenderer: outDir must name a folder');
  const { build } = await import('vite');
  await build({ configFile: resolve(repoRoot, 'vite.renderer.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}
