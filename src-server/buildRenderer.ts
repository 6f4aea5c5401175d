import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What the renderer bundle is built from, relative to the repository root. */
export const RENDERER_SOURCES = ['src-renderer', 'shared', 'vite.renderer.config.ts', 'electron.vite.config.ts', 'package.json'];

/** Newest modification time (ms) of the files under a path (0 when it does not exist). */
function newestMtime(path: string): number {
  let info;
  try {
    info = statSync(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * Why the built renderer (`<root>/out/renderer/index.html`) must be rebuilt: it is missing or older
 * than a source; null when it is up to date.
 */
export function rendererStaleReason(root: string): string | null {
  const built = newestMtime(resolve(root, 'out/renderer/index.html'));
  if (built === 0) return 'out/renderer/index.html is missing';
  for (const source of RENDERER_SOURCES) {
    if (newestMtime(resolve(root, source)) > built) return `${source} is newer than out/renderer`;
  }
  return null;
}

/** Builds the renderer into `<root>/out/renderer` with vite.renderer.config.ts (Vite's messages go to stderr). */
export async function buildRenderer(root: string): Promise<void> {
  process.env.VITE_CONFIG_NATIVE_IGNORE_WARNING ??= 'true';
  const { build } = await import('vite');
  await build({ configFile: resolve(root, 'vite.renderer.config.ts'), root: resolve(root, 'src-renderer'), logLevel: 'warn' });
}
