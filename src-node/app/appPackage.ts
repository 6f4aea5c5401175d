import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root or, in the built app, the folder holding package.json (searched upwards from this module). */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'patchlens') return dir;
    } catch {
      // keep looking upwards
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return process.cwd();
}

let cached: { name: string; version: string } | null = null;

/** This package's name and version (`patchlens`, `0.1.0`), from package.json. */
export function appPackage(): { name: string; version: string } {
  if (!cached) {
    try {
      const pkg = JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { name?: string; version?: string };
      cached = { name: pkg.name ?? 'patchlens', version: pkg.version ?? '0.0.0' };
    } catch {
      cached = { name: 'patchlens', version: '0.0.0' };
    }
  }
  return cached;
}
