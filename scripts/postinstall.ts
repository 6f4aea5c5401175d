// npm's postinstall: installs Electron's binary where it can be had (the electron package
// downloads it lazily, on first require, which electron-vite never does), and never fails the
// install: offline it prints one line within seconds and `npm start` says what to do later.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { electronCacheZipPath, electronPackageDir, electronZipName, findElectronBinary, releaseBase } from './start';

/** What `installElectron` did, for its one line and its tests. */
export type PostinstallOutcome = 'skipped' | 'no-electron' | 'installed-already' | 'unreachable' | 'install-failed' | 'installed';

/** How long the reachability probe may take (a machine without network must not wait a minute). */
export const PROBE_TIMEOUT_MS = 4000;

/**
 * Whether Electron's release server answers: a HEAD request for this version's zip, with a
 * time limit. Returns null when it answered, else the reason in a few words.
 */
export async function probeRelease(url: string, timeoutMs: number = PROBE_TIMEOUT_MS): Promise<string | null> {
  try {
    await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    return null;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
    return e.cause?.code ?? e.message;
  }
}

/**
 * Installs Electron's binary with electron's own install.js when it is missing and either a
 * cached zip is there or the release server answers. Never throws; logs one line when it did
 * not install (and what each outcome means for `npm start`).
 */
export async function installElectron(options: { electronDir?: string; env?: NodeJS.ProcessEnv; log?: (line: string) => void; probe?: (url: string) => Promise<string | null>; runInstall?: (installJs: string) => number } = {}): Promise<PostinstallOutcome> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const later = 'npm start will say how to install it; npm run serve needs no Electron';
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD && env.ELECTRON_SKIP_BINARY_DOWNLOAD !== '0') {
    log(`patchlens postinstall: ELECTRON_SKIP_BINARY_DOWNLOAD is set, Electron's binary not installed (${later}).`);
    return 'skipped';
  }
  let electronDir: string;
  try {
    electronDir = options.electronDir ?? electronPackageDir();
  } catch {
    return 'no-electron'; // installed without devDependencies: nothing to do
  }
  const binary = findElectronBinary(electronDir, env);
  if (binary.installed) return 'installed-already';
  const cached = existsSync(electronCacheZipPath(binary.version, env));
  if (!cached) {
    const url = `${releaseBase(env)}v${binary.version}/${electronZipName(binary.version)}`;
    const why = await (options.probe ?? probeRelease)(url);
    if (why !== null) {
      log(`patchlens postinstall: Electron's binary not downloaded (${new URL(url).host} unreachable: ${why}; ${later}).`);
      return 'unreachable';
    }
  }
  const installJs = join(electronDir, 'install.js');
  const status = (options.runInstall ?? runNode)(installJs);
  if (status !== 0) {
    log(`patchlens postinstall: node ${installJs} failed (exit ${status}), Electron's binary not installed (${later}).`);
    return 'install-failed';
  }
  return 'installed';
}

/** Runs a Node script with the terminal attached; its exit status. */
function runNode(script: string): number {
  const r = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  return r.status ?? 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Whatever happens, the install goes on.
  installElectron().catch((err: unknown) => console.log(`patchlens postinstall: ${err instanceof Error ? err.message : String(err)} (Electron's binary not installed).`));
}
