/**
 * DICOM decoded in the real renderer (issue 15): src-renderer/viewer/dicom/decodeDicomFile.ts in
 * Debian's Chromium, on a page built with the renderer's Vite settings and served by the browser
 * transport's server with the app's CSP (test/e2e/dicomDecode). pydicom's test files with each
 * transfer syntax it ships: lossless ones equal pydicom's pixel_array exactly (or, for JPEG
 * lossless, JPEG-LS and JPEG 2000 lossless, which pydicom cannot decode here, pydicom's reading of
 * the same image uncompressed); lossy ones equal the Node decoder (src-node/dicom: the same codec
 * packages) exactly. A cut file is refused naming the element it ends in.
 *
 * The WebAssembly codecs: the builds @cornerstonejs/dicom-image-loader 5.0.13 pins make functions
 * with `new Function` (Embind), which the app's Worker policy (`'wasm-unsafe-eval'`, no
 * `'unsafe-eval'`) refuses; package.json overrides them with the CSP-safe patch releases
 * dicom-image-loader 5.14.0 pins (charls 1.2.7, libjpeg-turbo-8bit 1.2.7, openjpeg 1.3.6,
 * openjph 2.4.11), which Node decodes with too. A test says the installed glue evaluates no strings.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDicomFile } from '../../src-node/dicom/dicomFile';
import { decodeCompressedFrame } from '../../src-node/dicom/pixels';
import { readCsp } from '../../src-server/readCsp';
import { chromium } from '../helpers/enginePage';
import { requireTools } from '../helpers/requireTool';
import { repoRoot } from '../helpers/sharedData';
import { dicomTools, PYDICOM_FILES as T, pydicomPixels } from '../src-node/dicom/oracles';
import { openDicomDecodePage, type DicomDecodePage } from './dicomDecode/openDecodePage';
import type { DecodedInPage } from './dicomDecode/page/decodeInPage';

const has = requireTools('dicomDecode.e2e', [chromium, ...dicomTools()]);

/** Whether the installed codec builds' Embind glue evaluates strings (then the app's CSP stops them). */
const require = createRequire(import.meta.url);
const GLUE = ['@cornerstonejs/codec-charls/decodewasmjs', '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', '@cornerstonejs/codec-openjpeg/decodewasmjs'];
const codecsEval = GLUE.some((g) => /new Function\(|newFunc\(Function\b/.test(readFileSync(require.resolve(g), 'utf8')));

/** pydicom's files decoded without a WebAssembly codec: [file, transfer syntax, frames]. */
const NATIVE_AND_JS: [string, string, number][] = [
  ['MR_small.dcm', '1.2.840.10008.1.2.1', 1], // explicit VR little endian, signed 16-bit
  ['CT_small.dcm', '1.2.840.10008.1.2.1', 1],
  ['MR_small_implicit.dcm', '1.2.840.10008.1.2', 1], // implicit VR little endian
  ['MR_small_bigendian.dcm', '1.2.840.10008.1.2.2', 1], // explicit VR big endian
  ['image_dfl.dcm', '1.2.840.10008.1.2.1.99', 1], // deflated explicit VR little endian, 8-bit
  ['MR_small_RLE.dcm', '1.2.840.10008.1.2.5', 1], // RLE, signed 16-bit
  ['SC_rgb_rle.dcm', '1.2.840.10008.1.2.5', 1], // RLE, RGB 8-bit
  ['SC_rgb_rle_2frame.dcm', '1.2.840.10008.1.2.5', 2],
  ['SC_rgb_small_odd.dcm', '1.2.840.10008.1.2.1', 1], // RGB 3×3
];

/** Lossless compressed files and the uncompressed file of the same image that pydicom reads. */
const LOSSLESS_TWIN: [string, string, string][] = [
  ['SC_rgb_jpeg_gdcm.dcm', '1.2.840.10008.1.2.4.70', 'SC_rgb_rle.dcm'], // JPEG lossless (jpeg-lossless-decoder-js, no wasm)
];
const LOSSLESS_WASM: [string, string, string][] = [
  ['MR_small_jpeg_ls_lossless.dcm', '1.2.840.10008.1.2.4.80', 'MR_small.dcm'], // JPEG-LS (CharLS)
  ['MR_small_jp2klossless.dcm', '1.2.840.10008.1.2.4.90', 'MR_small.dcm'], // JPEG 2000 lossless (OpenJPEG)
];
/** Lossy files: compared with the Node decoder. */
const LOSSY_WASM: [string, string][] = [
  ['SC_rgb_jpeg_dcmtk.dcm', '1.2.840.10008.1.2.4.50'], // JPEG baseline, YBR_FULL
  ['SC_rgb_dcmtk_+eb+cy+s2.dcm', '1.2.840.10008.1.2.4.50'], // JPEG baseline, YBR_FULL_422
  ['SC_rgb_jpeg_lossy_gdcm.dcm', '1.2.840.10008.1.2.4.50'], // JPEG baseline, RGB
  ['693_J2KI.dcm', '1.2.840.10008.1.2.4.91'], // JPEG 2000, signed 16-bit 512×512
  ['JPEG2000.dcm', '1.2.840.10008.1.2.4.91'], // JPEG 2000, 1024×256
];

/** Frame `frame` of a file as the Node decoder stores it (src-node/dicom/pixels.ts). */
async function nodeDecoded(file: string, frame = 0): Promise<number[]> {
  const { instance, dataSet } = await readDicomFile(file, { headerOnly: false, maxBytes: 1 << 30 });
  const out = new Float64Array(instance.rows * instance.columns * instance.samplesPerPixel);
  await decodeCompressedFrame(instance, dataSet, frame, out, 0);
  return Array.from(out);
}

describe.skipIf(!has)('DICOM decoded in the renderer with @cornerstonejs/dicom-image-loader (Chromium, browser transport)', { timeout: 300_000 }, () => {
  let page: DicomDecodePage;
  let cut: string;

  beforeAll(async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'patchlens-e2e-dicom-decode-'));
    cut = join(tmp, 'MR_small_cut.dcm');
    const mr = readFileSync(join(T, 'MR_small.dcm'));
    writeFileSync(cut, mr.subarray(0, mr.length - 1000));
    copyFileSync(join(T, 'MR_truncated.dcm'), join(tmp, 'MR_truncated.dcm'));
    const files = [...new Set([...NATIVE_AND_JS, ['SC_rgb_rle_16bit.dcm'], ...LOSSLESS_TWIN, ...LOSSLESS_WASM, ...LOSSY_WASM].map((c) => join(T, c[0])))];
    page = await openDicomDecodePage([...files, cut, join(tmp, 'MR_truncated.dcm')]);
  }, 120_000);
  afterAll(async () => page?.close());

  async function decoded(name: string): Promise<DecodedInPage> {
    const r = await page.decode(name);
    if ('error' in r) throw new Error(`${name}: ${r.error}\n${page.log.join('\n')}`);
    return r.decoded;
  }

  it('the page has the app\'s CSP, and the build emits the loader\'s decode Worker and the codecs\' .wasm', () => {
    expect(readCsp(join(page.outDir, 'index.html'))).toBe(readCsp(resolve(repoRoot, 'src-renderer/index.html')));
    const assets = readdirSync(join(page.outDir, 'assets'));
    expect(assets.filter((f) => /^decodeImageFrameWorker-.+\.js$/.test(f))).toHaveLength(1);
    for (const codec of ['charlswasm_decode', 'libjpegturbowasm_decode', 'openjpegwasm_decode', 'openjphjs']) {
      expect(assets.filter((f) => f.startsWith(`${codec}-`) && f.endsWith('.wasm')), codec).toHaveLength(1);
    }
  });

  it('native (explicit/implicit little endian, big endian, deflate) and RLE: every frame = pydicom\'s pixel_array exactly', async () => {
    const oracle = pydicomPixels(NATIVE_AND_JS.map(([f]) => join(T, f)));
    for (const [file, syntax, frames] of NATIVE_AND_JS) {
      const d = await decoded(file);
      const want = oracle[join(T, file)];
      expect([d.transferSyntaxUid, d.frames, d.pixels.length], file).toEqual([syntax, frames, frames]);
      expect([...(frames > 1 ? [frames] : []), d.rows, d.columns, ...(d.samplesPerPixel > 1 ? [d.samplesPerPixel] : [])], file).toEqual(want.shape);
      expect(d.pixels.flat(), file).toEqual(want.stored);
    }
  });

  it('typed arrays by BitsAllocated and PixelRepresentation; rescale reported, not applied; a thumbnail', async () => {
    const ct = await decoded('CT_small.dcm');
    expect([ct.pixelType, ct.bitsAllocated, ct.bitsStored, ct.pixelRepresentation, ct.photometric, ct.rescale]).toEqual([['Int16Array'], 16, 16, 1, 'MONOCHROME2', { slope: 1, intercept: -1024 }]);
    const rgb = await decoded('SC_rgb_rle.dcm');
    expect([rgb.pixelType, rgb.samplesPerPixel, rgb.photometric, rgb.planarConfiguration]).toEqual([['Uint8Array'], 3, 'RGB', 0]);
    expect((await decoded('image_dfl.dcm')).pixelType).toEqual(['Uint8Array']);
    expect(ct.thumbnail).toEqual({ width: 16, height: 16, alpha: 255 });
  });

  it('one frame of a multi-frame file (a thumbnail\'s middle image): frame 1 = the second frame of the whole file; a frame it lacks is refused', async () => {
    const all = await decoded('SC_rgb_rle_2frame.dcm');
    const second = await page.decode('SC_rgb_rle_2frame.dcm', { frame: 1 });
    expect('decoded' in second && second.decoded.pixels).toEqual([all.pixels[1]]);
    expect(all.pixels[1]).not.toEqual(all.pixels[0]);
    expect(await page.decode('SC_rgb_rle_2frame.dcm', { frame: 2 })).toEqual({ error: expect.stringContaining("frame 2 is not one of the file's 2 frame(s) (0 to 1)") });
  });

  it('JPEG lossless (process 14, SV1) = pydicom\'s reading of the same image uncompressed, exactly', async () => {
    const oracle = pydicomPixels(LOSSLESS_TWIN.map(([, , twin]) => join(T, twin)));
    for (const [file, syntax, twin] of LOSSLESS_TWIN) {
      const d = await decoded(file);
      expect(d.transferSyntaxUid, file).toBe(syntax);
      expect(d.pixels[0], file).toEqual(oracle[join(T, twin)].stored);
    }
  });

  it('the installed codec builds are CSP-safe: their Embind glue makes no function from a string', () => {
    expect(codecsEval).toBe(false);
  });

  it('JPEG-LS and JPEG 2000 lossless = pydicom exactly; lossy JPEG baseline and JPEG 2000 = the Node decoder exactly', async () => {
    const oracle = pydicomPixels(LOSSLESS_WASM.map(([, , twin]) => join(T, twin)));
    for (const [file, syntax, twin] of LOSSLESS_WASM) {
      const d = await decoded(file);
      expect(d.transferSyntaxUid, file).toBe(syntax);
      expect(d.pixels[0], file).toEqual(oracle[join(T, twin)].stored);
    }
    for (const [file, syntax] of LOSSY_WASM) {
      const d = await decoded(file);
      expect(d.transferSyntaxUid, file).toBe(syntax);
      expect(d.pixels[0], file).toEqual(await nodeDecoded(join(T, file)));
    }
  });

  it('a file cut short, pydicom\'s truncated MR, 16-bit colour RLE and a size over the limit are refused, saying what is wrong', async () => {
    expect(await page.decode('MR_small_cut.dcm')).toEqual({ error: 'MR_small_cut.dcm: cut short: element (7FE0,0010) Pixel Data declares 8192 bytes at offset 1500, the file has 8830 bytes (dicomParser:parseDicomDataSetExplicit: buffer overrun)' });
    expect(await page.decode('MR_truncated.dcm')).toEqual({ error: 'MR_truncated.dcm: cut short: element (7FE0,0010) Pixel Data declares 8192 bytes at offset 1500, the file has 9630 bytes (dicomParser:parseDicomDataSetExplicit: buffer overrun)' });
    // The loader's RLE decoder would give 16-bit colour wrong (greyscale only): refused, as in Node.
    expect(await page.decode('SC_rgb_rle_16bit.dcm')).toEqual({ error: "SC_rgb_rle_16bit.dcm: RLE with 16 bits allocated and 3 sample(s) per pixel is not decoded (the loader's RLE decoder reads 8-bit images and 16-bit greyscale)" });
    expect(await page.decode('MR_small.dcm', { maxDecodedBytes: 4096 })).toEqual({ error: 'MR_small.dcm: 1 frame(s) of 64×64×1 16-bit samples take 8192 bytes, over the limit of 4096 (maxDecodedBytes)' });
    expect(page.log.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
