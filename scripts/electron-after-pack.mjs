// electron-builder `afterPack` hook (electron-builder.yml): flips the Electron fuses of the packed
// app's binary with @electron/fuses before electron-builder signs it and builds the installers.
// Fuses are bits compiled into the Electron binary; flipped here, no command-line switch or
// environment variable can turn the features back on. test/scripts/electronFuses.test.ts runs this hook
// on a fake binary and reads every fuse back.
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * The fuses PatchLens ships with, every one of @electron/fuses 2.1.3's V1 wire set explicitly
 * (`strictlyRequireAllFuses`: packaging fails on an Electron whose wire has a fuse not decided here).
 */
export const PATCHLENS_FUSES = {
  // `ELECTRON_RUN_AS_NODE=1 PatchLens` would turn the app into a plain Node.js (arbitrary code, the app's signature).
  [FuseV1Options.RunAsNode]: false,
  // Cookies (and the session's other stores) encrypted on disk with the OS keychain.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS could preload code into main (--require).
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect / --inspect-brk would open a debugger on main.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar is checked against the hash electron-builder embeds (macOS Info.plist, Windows resources).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only resources/app.asar is loaded (no resources/app folder planted beside it).
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // No second V8 snapshot for the browser process (the default).
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // Pages come from app:// (src-main/appProtocol.ts): file:// gets no privileges beyond a browser's.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  // WebAssembly trap handlers stay on (the default: faster and safer bounds checks for the engine's wasm).
  [FuseV1Options.WasmTrapHandlers]: true,
};

/** electron-builder's Arch enum values of arm64 and universal (builder-util: ia32 0, x64 1, armv7l 2, arm64 3, universal 4). */
const ARCH_ARM64 = 3;
const ARCH_UNIVERSAL = 4;

/**
 * The Electron binary of a packed app, from electron-builder's AfterPackContext: macOS
 * `<productFilename>.app` (@electron/fuses finds the framework inside), Windows
 * `<productFilename>.exe`, Linux the executable (electron-builder.yml `linux.executableName`).
 *
 * @param {{ appOutDir: string, electronPlatformName: string, packager: { appInfo: { productFilename: string }, executableName?: string } }} context
 * @returns {string}
 */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context ?? {};
  if (typeof appOutDir !== 'string' || appOutDir === '') throw new Error('electron-after-pack: context.appOutDir must be the packed app folder');
  const product = packager?.appInfo?.productFilename;
  if (typeof product !== 'string' || product === '') throw new Error('electron-after-pack: context.packager.appInfo.productFilename is missing');
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${product}.app`);
    case 'win32':
      return join(appOutDir, `${product}.exe`);
    case 'linux':
      return join(appOutDir, packager.executableName || product.toLowerCase());
    default:
      throw new Error(`electron-after-pack: unknown electronPlatformName ${JSON.stringify(electronPlatformName)}`);
  }
}

/** One line per fuse, e.g. `RunAsNode=off`. */
export function describeFuses(config = PATCHLENS_FUSES) {
  return Object.entries(config)
    .map(([index, on]) => `${FuseV1Options[Number(index)]}=${on ? 'on' : 'off'}`)
    .join(', ');
}

/**
 * The hook: flips {@link PATCHLENS_FUSES} in the packed binary (both slices of a universal macOS
 * binary) and prints what it set. An arm64 (or universal) macOS app gets its ad-hoc signature
 * renewed (flipping invalidates it; electron-builder signs properly afterwards when an identity is
 * configured).
 *
 * @param {Parameters<typeof electronBinaryPath>[0] & { arch?: number }} context electron-builder's AfterPackContext
 * @param {(line: string) => void} [log]
 */
export default async function afterPack(context, log = (line) => console.log(line)) {
  const binary = electronBinaryPath(context);
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  const slices = await flipFuses(binary, {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    resetAdHocDarwinSignature: darwin && (context.arch === ARCH_ARM64 || context.arch === ARCH_UNIVERSAL),
    ...PATCHLENS_FUSES,
  });
  log(`electron-after-pack: fuses of ${binary} (${slices} wire${slices === 1 ? '' : 's'}): ${describeFuses()}`);
}
