import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, describe, expect, it } from 'vitest';
import afterPack, { describeFuses, electronBinaryPath, PATCHLENS_FUSES } from '../../scripts/electron-after-pack.mjs';

// The fuse wire format of @electron/fuses 2.1.3 (dist/index.js readFuseWire): the sentinel, a
// version byte (1), a length byte, then one byte per fuse: '0' off, '1' on, 'r' removed.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, ASAR
// integrity off, only-ASAR off, browser V8 snapshot off, file:// privileges on, wasm trap handlers on.
const DEFAULT_WIRE = '101100011';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A fake "Electron binary": random-looking bytes around a fuse wire, written to `path`. */
async function fakeBinary(path: string, wire = DEFAULT_WIRE): Promise<Buffer> {
  const before = Buffer.alloc(4096, 0xab);
  const after = Buffer.alloc(8192, 0xcd);
  const bytes = Buffer.concat([before, Buffer.from(SENTINEL, 'ascii'), Buffer.from([1, wire.length]), Buffer.from(wire, 'ascii'), after]);
  await writeFile(path, bytes);
  return bytes;
}

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'patchlens-fuses-'));
  dirs.push(d);
  return d;
}

const linuxContext = (appOutDir: string) => ({
  appOutDir,
  electronPlatformName: 'linux',
  arch: 1,
  packager: { executableName: 'patchlens', appInfo: { productFilename: 'PatchLens' } },
});

describe('scripts/electron-after-pack.mjs', () => {
  it('flips every fuse of a packed Linux binary and says what it set', async () => {
    const dir = await tempDir();
    const binary = join(dir, 'patchlens');
    const original = await fakeBinary(binary);
    expect((await getCurrentFuseWire(binary))[FuseV1Options.RunAsNode]).toBe(FuseState.ENABLE);

    const lines: string[] = [];
    await afterPack(linuxContext(dir), (l: string) => lines.push(l));

    const wire = await getCurrentFuseWire(binary);
    const expected: Record<number, number> = {
      [FuseV1Options.RunAsNode]: FuseState.DISABLE,
      [FuseV1Options.EnableCookieEncryption]: FuseState.ENABLE,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: FuseState.DISABLE,
      [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.DISABLE,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: FuseState.ENABLE,
      [FuseV1Options.OnlyLoadAppFromAsar]: FuseState.ENABLE,
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: FuseState.DISABLE,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: FuseState.DISABLE,
      [FuseV1Options.WasmTrapHandlers]: FuseState.ENABLE,
    };
    for (const [index, state] of Object.entries(expected)) expect(wire[Number(index) as FuseV1Options], FuseV1Options[Number(index)]).toBe(state);
    expect(wire.version).toBe('1');

    // Only the wire bytes changed: same length, everything around it intact.
    const flipped = await readFile(binary);
    expect(flipped.length).toBe(original.length);
    const at = original.indexOf(SENTINEL) + SENTINEL.length + 2;
    expect(flipped.subarray(at, at + 9).toString('ascii')).toBe('010011001');
    expect(Buffer.compare(flipped.subarray(0, at), original.subarray(0, at))).toBe(0);
    expect(Buffer.compare(flipped.subarray(at + 9), original.subarray(at + 9))).toBe(0);

    expect(lines).toEqual([
      `electron-after-pack: fuses of ${binary} (1 wire): RunAsNode=off, EnableCookieEncryption=on, EnableNodeOptionsEnvironmentVariable=off, ` +
        'EnableNodeCliInspectArguments=off, EnableEmbeddedAsarIntegrityValidation=on, OnlyLoadAppFromAsar=on, ' +
        'LoadBrowserProcessSpecificV8Snapshot=off, GrantFileProtocolExtraPrivileges=off, WasmTrapHandlers=on',
    ]);
    expect(describeFuses()).toBe(lines[0].slice(lines[0].indexOf('): ') + 3));
  });

  it('finds the binary on Windows and inside a macOS bundle (both slices of a universal binary)', async () => {
    const win = await tempDir();
    await fakeBinary(join(win, 'PatchLens.exe'));
    await afterPack({ ...linuxContext(win), electronPlatformName: 'win32' }, () => {});
    expect((await getCurrentFuseWire(join(win, 'PatchLens.exe')))[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);

    const mac = await tempDir();
    const framework = join(mac, 'PatchLens.app/Contents/Frameworks/Electron Framework.framework');
    await mkdir(framework, { recursive: true });
    // A universal binary holds two wires (one per slice): both are flipped.
    const slice = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from(DEFAULT_WIRE), Buffer.alloc(64, 0xee)]);
    await writeFile(join(framework, 'Electron Framework'), Buffer.concat([slice, slice]));
    const lines: string[] = [];
    // x64: no ad-hoc re-signing (codesign does not exist here).
    await afterPack({ ...linuxContext(mac), electronPlatformName: 'darwin', arch: 1 }, (l: string) => lines.push(l));
    const bytes = await readFile(join(framework, 'Electron Framework'));
    expect(bytes.subarray(SENTINEL.length + 2, SENTINEL.length + 11).toString()).toBe('010011001');
    expect(bytes.subarray(slice.length + SENTINEL.length + 2, slice.length + SENTINEL.length + 11).toString()).toBe('010011001');
    expect(lines[0]).toMatch(/PatchLens\.app \(2 wires\)/);
    expect(electronBinaryPath({ ...linuxContext('/out'), electronPlatformName: 'linux', packager: { appInfo: { productFilename: 'PatchLens' } } })).toBe('/out/patchlens');
  });

  it('fails the packaging on a wire with a fuse it has not decided, on a binary without fuses, and on a bad context', async () => {
    const dir = await tempDir();
    await fakeBinary(join(dir, 'patchlens'), `${DEFAULT_WIRE}1`);
    await expect(afterPack(linuxContext(dir), () => {})).rejects.toThrow(/strictlyRequireAllFuses: The fuse wire in the Electron binary has 10 fuses/);
    await writeFile(join(dir, 'patchlens'), Buffer.alloc(1024, 1));
    await expect(afterPack(linuxContext(dir), () => {})).rejects.toThrow(/Could not find sentinel/);
    expect(() => electronBinaryPath({ ...linuxContext(dir), electronPlatformName: 'beos' })).toThrow(/electron-after-pack: unknown electronPlatformName "beos"/);
    expect(() => electronBinaryPath({ ...linuxContext(''), electronPlatformName: 'linux' })).toThrow(/electron-after-pack: context.appOutDir/);
  });

  it('sets every fuse @electron/fuses knows', () => {
    const known = Object.values(FuseV1Options).filter((v) => typeof v === 'number');
    expect(Object.keys(PATCHLENS_FUSES).map(Number).sort()).toEqual([...known].sort());
  });
});
