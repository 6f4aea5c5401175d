import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadArtifact } from '@electron/get';
import { electronCacheZipPath, electronPackageDir, electronZipName, findElectronBinary, missingElectronMessage, startApp } from '../../scripts/start';
import { installElectron } from '../../scripts/postinstall';
import { parseCommandLine } from '../../src-main/argv';
import { repoRoot } from '../helpers/sharedData';

// `npm start` used to run `electron-vite build && electron-vite preview --skipBuild`: with no
// binary it built for a minute and then died with electron-vite's "Electron uninstall", and
// `npm start -- image.nii.gz` handed the image to electron-vite as its project root.

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'patchlens-start-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fake electron package folder: package.json, and optionally path.txt and the binary. */
function fakeElectron(withBinary: boolean): string {
  const dir = temp();
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.6.1' }));
  if (withBinary) {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'path.txt'), 'electron');
    writeFileSync(join(dir, 'dist', 'electron'), '');
  }
  return dir;
}

const tsx = resolve(repoRoot, 'node_modules', '.bin', 'tsx');

describe('npm start', () => {
  it('finds the binary the way electron-vite does, without downloading', () => {
    const none = fakeElectron(false);
    expect(findElectronBinary(none, {}, 'linux')).toEqual({ version: '45.6.1', path: join(none, 'dist', 'electron'), installed: false, source: 'default' });
    const some = fakeElectron(true);
    expect(findElectronBinary(some, {}, 'linux')).toMatchObject({ path: join(some, 'dist', 'electron'), installed: true, source: 'path.txt' });
    expect(findElectronBinary(some, { ELECTRON_EXEC_PATH: join(some, 'nope') })).toMatchObject({ installed: false, source: 'ELECTRON_EXEC_PATH' });
    // The real package: resolving it must not load its index.js (which starts a download).
    expect(readFileSync(join(electronPackageDir(), 'package.json'), 'utf8')).toContain('"name": "electron"');
  });

  it('without the binary, prints one paragraph (install.js, the cache, npm run serve), runs nothing and fails', () => {
    const lines: string[] = [];
    const ran: string[][] = [];
    const status = startApp(['a.nii.gz'], { electronDir: fakeElectron(false), env: {}, log: (l) => lines.push(l), run: (c, a) => (ran.push([c, ...a]), 0) });
    expect(status).toBe(1);
    expect(ran).toEqual([]);
    expect(lines).toHaveLength(1);
    const text = lines[0];
    expect(text).toContain('node node_modules/electron/install.js');
    expect(text).toContain('electron_config_cache');
    expect(text).toContain(electronZipName('45.6.1'));
    expect(text).toContain(electronCacheZipPath('45.6.1', {}));
    expect(text).toContain('npm run serve');
    expect(text).not.toContain('Electron uninstall');
  });

  it('the real script exits 1 with that paragraph, before any build', () => {
    const r = spawnSync(tsx, ['scripts/start.ts', 'x.nii.gz'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ELECTRON_EXEC_PATH: join(temp(), 'missing-electron') } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^npm start: Electron's binary is not installed \(ELECTRON_EXEC_PATH points at .*missing-electron, which does not exist\)/);
    expect(r.stderr).toContain('npm run serve');
    expect(r.stdout).not.toContain('building'); // electron-vite never started
  });

  it('with the binary, builds and then previews, handing the arguments to Electron after --', () => {
    const ran: string[][] = [];
    const status = startApp(['a.nii.gz', '--project', 'p'], { electronDir: fakeElectron(true), env: {}, root: '/r', run: (c, a) => (ran.push([c, ...a]), 0) });
    expect(status).toBe(0);
    const cli = '/r/node_modules/electron-vite/bin/electron-vite.js';
    expect(ran).toEqual([
      [process.execPath, cli, 'build'],
      [process.execPath, cli, 'preview', '--skipBuild', '--', 'a.nii.gz', '--project', 'p'],
    ]);
    expect(existsSync(resolve(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js'))).toBe(true);
    const failed: string[][] = [];
    expect(startApp([], { electronDir: fakeElectron(true), env: {}, root: '/r', run: (c, a) => (failed.push(a), 3) })).toBe(3);
    expect(failed).toEqual([[cli, 'build']]); // no preview after a failed build
  });

  it('electron-vite preview passes what follows -- to Electron, where the app reads the files', () => {
    // A stand-in binary that records its argv: the real electron-vite starts it as it would start Electron.
    const dir = temp();
    const argvFile = join(dir, 'argv.json');
    const fake = join(dir, 'electron');
    writeFileSync(fake, `#!/usr/bin/env node\nrequire('fs').writeFileSync(${JSON.stringify(argvFile)}, JSON.stringify(process.argv.slice(2)));\n`);
    chmodSync(fake, 0o755);
    const entry = join(dir, 'main.js');
    writeFileSync(entry, '');
    const bin = resolve(repoRoot, 'node_modules', '.bin', 'electron-vite');
    const r = spawnSync(bin, ['preview', '--skipBuild', '--entry', entry, '--', 'demo/data/ch2-2mm_t1.nii.gz', '--project', 'p'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ELECTRON_EXEC_PATH: fake } });
    expect(r.status).toBe(0);
    const argv = JSON.parse(readFileSync(argvFile, 'utf8')) as string[];
    expect(argv).toEqual([entry, 'demo/data/ch2-2mm_t1.nii.gz', '--project', 'p']);
    expect(parseCommandLine([fake, ...argv], repoRoot)).toEqual({ projectDir: resolve(repoRoot, 'p'), files: [resolve(repoRoot, 'demo/data/ch2-2mm_t1.nii.gz')] });
  });

  it("names the cache file @electron/get really reads", async () => {
    const cache = temp();
    const env = { electron_config_cache: cache };
    const zip = electronCacheZipPath('45.6.1', env, 'linux', 'x64');
    mkdirSync(resolve(zip, '..'), { recursive: true });
    writeFileSync(zip, 'not really a zip');
    const sha = createHash('sha256').update('not really a zip').digest('hex');
    // A cache hit returns the cached file without any network; a miss would try to download.
    const got = await downloadArtifact({ version: '45.6.1', artifactName: 'electron', platform: 'linux', arch: 'x64', cacheRoot: cache, checksums: { [electronZipName('45.6.1', 'linux', 'x64')]: sha } });
    expect(got).toBe(zip);
  });
});

describe('package.json', () => {
  it('runs scripts/start.ts for npm start and scripts/postinstall.ts after an install', () => {
    const pkg = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('tsx scripts/start.ts');
    expect(pkg.scripts.postinstall).toBe('tsx scripts/postinstall.ts');
  });
});

describe('postinstall', () => {
  it('skips with one line when ELECTRON_SKIP_BINARY_DOWNLOAD is set', async () => {
    const lines: string[] = [];
    const outcome = await installElectron({ electronDir: fakeElectron(false), env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, log: (l) => lines.push(l), probe: () => Promise.reject(new Error('no probe expected')) });
    expect(outcome).toBe('skipped');
    expect(lines).toEqual([expect.stringMatching(/^patchlens postinstall: ELECTRON_SKIP_BINARY_DOWNLOAD is set/)]);
  });

  it('does nothing when the binary is there', async () => {
    const lines: string[] = [];
    expect(await installElectron({ electronDir: fakeElectron(true), env: {}, log: (l) => lines.push(l), probe: () => Promise.reject(new Error('no probe expected')) })).toBe('installed-already');
    expect(lines).toEqual([]);
  });

  it('offline: one line naming the host and the reason, no install attempted, no failure', async () => {
    const lines: string[] = [];
    const installs: string[] = [];
    const outcome = await installElectron({ electronDir: fakeElectron(false), env: { electron_config_cache: temp() }, log: (l) => lines.push(l), probe: async () => 'ENOTFOUND', runInstall: (s) => (installs.push(s), 0) });
    expect(outcome).toBe('unreachable');
    expect(installs).toEqual([]);
    expect(lines).toEqual(["patchlens postinstall: Electron's binary not downloaded (github.com unreachable: ENOTFOUND; npm start will say how to install it; npm run serve needs no Electron)."]);
  });

  it("runs electron's install.js when the server answers or a zip is cached, and survives its failure", async () => {
    const dir = fakeElectron(false);
    const installs: string[] = [];
    expect(await installElectron({ electronDir: dir, env: { electron_config_cache: temp() }, log: () => {}, probe: async () => null, runInstall: (s) => (installs.push(s), 0) })).toBe('installed');
    expect(installs).toEqual([join(dir, 'install.js')]);
    const cache = temp();
    const zip = electronCacheZipPath('45.6.1', { electron_config_cache: cache });
    mkdirSync(resolve(zip, '..'), { recursive: true });
    writeFileSync(zip, '');
    const lines: string[] = [];
    const outcome = await installElectron({ electronDir: dir, env: { electron_config_cache: cache }, log: (l) => lines.push(l), probe: () => Promise.reject(new Error('a cached zip needs no network')), runInstall: () => 1 });
    expect(outcome).toBe('install-failed');
    expect(lines[0]).toMatch(/^patchlens postinstall: node .*install\.js failed \(exit 1\)/);
  });

  it('missingElectronMessage names ELECTRON_EXEC_PATH when that is what points nowhere', () => {
    const text = missingElectronMessage({ version: '45.6.1', path: '/x/electron', installed: false, source: 'ELECTRON_EXEC_PATH' }, {});
    expect(text).toContain('ELECTRON_EXEC_PATH points at /x/electron, which does not exist');
  });
});

describe('probeRelease', () => {
  it('answers null for a server that answers, and gives up after its time limit on one that does not', async () => {
    const { createServer } = await import('node:http');
    const { probeRelease } = await import('../../scripts/postinstall');
    const answering = createServer((_req, res) => res.writeHead(302, { location: 'https://elsewhere.invalid/' }).end());
    const silent = createServer(() => {}); // accepts the connection and never answers
    await Promise.all([answering, silent].map((s) => new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))));
    const url = (s: typeof answering) => `http://127.0.0.1:${(s.address() as { port: number }).port}/v45.6.1/electron.zip`;
    try {
      expect(await probeRelease(url(answering), 5000)).toBeNull();
      expect(await probeRelease(url(silent), 300)).toBe('no answer within 0.3 s');
      expect(await probeRelease('http://nonexistent.invalid/x', 5000)).toMatch(/ENOTFOUND|EAI_AGAIN/);
    } finally {
      silent.closeAllConnections();
      await Promise.all([answering, silent].map((s) => new Promise((ok) => s.close(ok))));
    }
  });
});
