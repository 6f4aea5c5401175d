// npm start: checks that Electron's binary is installed before electron-vite builds and opens the
// app, and says how to get it (or to use `npm run serve`) when it is not.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where Electron's binary is, or would be, and whether it is there. */
export interface ElectronBinary {
  /** The electron package's version (its package.json). */
  version: string;
  /** The executable electron-vite would start (absolute). */
  path: string;
  /** Whether that file exists. */
  installed: boolean;
  /** How `path` was found: `ELECTRON_EXEC_PATH`, or the package's `path.txt` (or where it would point). */
  source: 'ELECTRON_EXEC_PATH' | 'path.txt' | 'default';
}

/** The electron package's folder (resolved without loading its index.js, which would start a download). */
export function electronPackageDir(from: string = import.meta.url): string {
  return dirname(createRequire(from).resolve('electron/package.json'));
}

/** The executable's name inside Electron's zip for a platform (as electron's install.js names it). */
export function electronExecutableName(platform: string): string {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * Finds Electron's executable the way electron-vite does (`ELECTRON_EXEC_PATH`, else
 * `dist/<path.txt>` in the electron package), without downloading anything.
 *
 * @param electronDir the electron package's folder
 * @param env the environment (ELECTRON_EXEC_PATH)
 * @param platform the platform the binary is for
 */
export function findElectronBinary(electronDir: string, env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): ElectronBinary {
  const version = String(JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version);
  if (env.ELECTRON_EXEC_PATH) {
    const path = resolve(env.ELECTRON_EXEC_PATH);
    return { version, path, installed: existsSync(path), source: 'ELECTRON_EXEC_PATH' };
  }
  const pathFile = join(electronDir, 'path.txt');
  if (existsSync(pathFile)) {
    const path = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return { version, path, installed: existsSync(path), source: 'path.txt' };
  }
  return { version, path: join(electronDir, 'dist', electronExecutableName(platform)), installed: false, source: 'default' };
}

/** Electron's zip file name for a version, platform and architecture (`electron-v45.6.1-linux-x64.zip`). */
export function electronZipName(version: string, platform: string = process.platform, arch: string = process.arch): string {
  return `electron-v${version}-${platform}-${arch}.zip`;
}

/**
 * Where @electron/get (which electron's install.js calls) looks for a cached zip before it
 * downloads: `<cache root>/<sha256 of the release folder's URL>/<zip>`. The cache root is
 * `electron_config_cache` when set, else the user's cache folder (`~/.cache/electron` on Linux).
 *
 * @param version the electron package's version
 * @param env the environment (electron_config_cache, ELECTRON_MIRROR, XDG_CACHE_HOME, LOCALAPPDATA)
 */
export function electronCacheZipPath(version: string, env: NodeJS.ProcessEnv = process.env, platform: string = process.platform, arch: string = process.arch): string {
  const url = new URL(`${releaseBase(env)}v${version}/${electronZipName(version, platform, arch)}`);
  url.pathname = url.pathname.slice(0, url.pathname.lastIndexOf('/'));
  const folder = createHash('sha256').update(url.toString()).digest('hex');
  return join(electronCacheRoot(env, platform), folder, electronZipName(version, platform, arch));
}

/** The cache root @electron/get uses (env-paths' cache folder for "electron", or electron_config_cache). */
export function electronCacheRoot(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): string {
  if (env.electron_config_cache) return resolve(env.electron_config_cache);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'electron');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'electron', 'Cache');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron');
}

/** The base URL Electron's releases are downloaded from (ELECTRON_MIRROR or the npm config, else GitHub). */
export function releaseBase(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_config_electron_mirror ?? env.NPM_CONFIG_ELECTRON_MIRROR ?? env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/';
}

/**
 * The paragraph `npm start` prints when the binary is missing: how to install it with a network
 * or from a zip, and that `npm run serve` gives the same app in a browser.
 */
export function missingElectronMessage(binary: ElectronBinary, env: NodeJS.ProcessEnv = process.env): string {
  const where = binary.source === 'ELECTRON_EXEC_PATH' ? `ELECTRON_EXEC_PATH points at ${binary.path}, which does not exist` : `${binary.path} does not exist`;
  const zip = electronZipName(binary.version);
  return [
    `npm start: Electron's binary is not installed (${where}): the electron package (${binary.version}) downloads it from GitHub, which could not be reached when the packages were installed (or ELECTRON_SKIP_BINARY_DOWNLOAD was set).`,
    `With a network, install it: node node_modules/electron/install.js`,
    `Without one, copy ${zip} (from ${releaseBase(env)}v${binary.version}/) to`,
    `  ${electronCacheZipPath(binary.version, env)}`,
    `and run the same command (electron_config_cache=DIR moves that cache folder to DIR), or set ELECTRON_EXEC_PATH to an unpacked Electron ${binary.version} executable.`,
    `The same app runs in a browser without Electron: npm run serve (it prints the address to open).`,
  ].join('\n');
}

/** What `startApp` runs: a command and its arguments. */
export type Runner = (command: string, args: string[]) => number;

/** Runs a command with the terminal attached; its exit status (1 when it died by a signal). */
export const runInherit: Runner = (command, args) => {
  const r = spawnSync(command, args, { stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
};

/**
 * `npm start [-- files…]`: builds with electron-vite and opens the app, passing the arguments to
 * Electron after `--` (without it electron-vite would take the first one as its project root).
 * Returns the exit status; 1 (with the paragraph on stderr) when the binary is missing.
 *
 * @param args the arguments after `npm start --` (NIfTI files, `--project DIR`)
 */
export function startApp(args: string[], options: { electronDir?: string; env?: NodeJS.ProcessEnv; run?: Runner; log?: (line: string) => void; root?: string } = {}): number {
  const env = options.env ?? process.env;
  const binary = findElectronBinary(options.electronDir ?? electronPackageDir(), env);
  if (!binary.installed) {
    (options.log ?? console.error)(missingElectronMessage(binary, env));
    return 1;
  }
  const run = options.run ?? runInherit;
  // electron-vite's own script, run by this Node (no shell, no .cmd shim on Windows).
  const cli = join(options.root ?? repoRoot(), 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const built = run(process.execPath, [cli, 'build']);
  if (built !== 0) return built;
  return run(process.execPath, [cli, 'preview', '--skipBuild', ...(args.length > 0 ? ['--', ...args] : [])]);
}

/** The repository root (this file lives in scripts/). */
function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = startApp(process.argv.slice(2));
