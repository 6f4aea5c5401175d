import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
// js-yaml 4 is in node_modules through eslint (@eslint/eslintrc); no dependency of its own.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  appId: string;
  asar: boolean;
  afterPack?: string;
  productName: string;
  files: string[];
  extraResources: { from: string; to: string; filter?: string[] }[];
  fileAssociations: { ext: string; name: string; role: string; mimeType?: string }[];
  linux: { target: string[]; maintainer?: string };
  mac: { target: string[] };
  win: { target: string[] };
}

describe('electron-builder.yml', async () => {
  const config = yaml.load(await readFile(join(repo, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
  const pkg = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as {
    main: string;
    scripts: Record<string, string>;
    devDependencies: Record<string, string>;
    dependencies: Record<string, string>;
  };

  it('names the app', () => {
    expect(config.productName).toBe('PatchLens');
    expect(config.appId).toMatch(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/);
  });

  it('packs the built bundles and package.json, and the demo as resources/demo', () => {
    expect(config.files).toEqual(['out/**', 'package.json']);
    // package.json "main" is inside the packed files.
    expect(pkg.main.replace(/^\.\//, '')).toMatch(/^out\//);
    expect(config.extraResources).toEqual([{ from: 'demo', to: 'demo', filter: ['**/*'] }]);
    for (const f of ['data/cases.json', 'model/model.json', 'model/patchlens.json']) expect(existsSync(join(repo, 'demo', f)), f).toBe(true);
  });

  it('associates .nii and .nii.gz as NIfTI images the app views', () => {
    const byExt = new Map(config.fileAssociations.map((a) => [a.ext, a]));
    expect([...byExt.keys()].sort()).toEqual(['nii', 'nii.gz']);
    for (const a of byExt.values()) {
      expect(a.name).toBe('NIfTI image');
      expect(a.role).toBe('Viewer');
      expect(a.mimeType).toMatch(/^application\//);
    }
  });

  it('packs into an ASAR and flips the fuses in an afterPack hook that exists and exports the hook', async () => {
    expect(config.asar).toBe(true);
    expect(config.afterPack).toBe('./scripts/electron-after-pack.mjs');
    const hook = (await import(join(repo, config.afterPack!))) as { default: unknown };
    expect(typeof hook.default).toBe('function');
  });

  it('builds AppImage + deb, dmg, nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.maintainer).toMatch(/<.+@.+>/);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('pins Electron 45 (the supported major) and has that version installed', async () => {
    expect(pkg.devDependencies['electron']).toMatch(/^45\.\d+\.\d+$/);
    const installed = JSON.parse(await readFile(join(repo, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(pkg.devDependencies['electron']);
    expect(pkg.devDependencies['@electron/fuses']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('keeps electron a devDependency (electron-builder requires it) and npm start goes through scripts/start.ts', () => {
    expect(pkg.devDependencies['electron']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies['electron']).toBeUndefined();
    // start.ts checks for Electron's binary, then builds and previews (test/scripts/start.test.ts runs that).
    expect(pkg.scripts['start']).toBe('tsx scripts/start.ts');
  });
});
