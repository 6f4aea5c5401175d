// Types of scripts/electron-after-pack.mjs (a plain ES module so electron-builder can load it without a build step).
import type { FuseV1Options } from '@electron/fuses';

/** What the hook reads of electron-builder's AfterPackContext. */
export interface AfterPackContextLike {
  appOutDir: string;
  electronPlatformName: string;
  /** electron-builder's Arch enum (x64 1, arm64 3, universal 4). */
  arch?: number;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}

/** The fuses PatchLens ships with: every V1 fuse, on or off. */
export const PATCHLENS_FUSES: Record<FuseV1Options, boolean>;

/** The Electron binary (macOS: the .app bundle) of a packed app. */
export function electronBinaryPath(context: AfterPackContextLike): string;

/** One line naming every fuse and its state, e.g. `RunAsNode=off, …`. */
export function describeFuses(config?: Partial<Record<FuseV1Options, boolean>>): string;

/** The afterPack hook: flips {@link PATCHLENS_FUSES} in the packed binary and logs what it set. */
export default function afterPack(context: AfterPackContextLike, log?: (line: string) => void): Promise<void>;
