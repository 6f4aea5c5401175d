/**
 * Compressed DICOM decoded in Node with the cornerstone3D codec packages, on pydicom's real
 * compressed test files: lossless ones equal their uncompressed twin (MR_small.dcm) or pydicom's
 * own RLE decoding exactly; lossy ones stay within a measured distance of a lossless decoding of
 * the same image (pydicom has no JPEG decoder installed here to compare with). Corrupt and cut
 * streams are refused naming the file, the frame and the syntax.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDicomSeries, scanDicomFolder, transferSyntaxInfo, type DicomVolume } from '../../../src-node/dicom';
import { readDicomFile } from '../../../src-node/dicom/dicomFile';
import { decodeCompressedFrame } from '../../../src-node/dicom/pixels';
import { requireTools } from '../../helpers/requireTool';
import { writeVariant } from './codecOracles';
import { dicomTools, PYDICOM_FILES as T, pydicomPixels } from './oracles';

const has = requireTools('codecs.test (pydicom)', dicomTools());
const MAX = 1 << 30;

async function read(file: string): Promise<DicomVolume> {
  const scan = await scanDicomFolder([file]);
  expect(scan.series).toHaveLength(1);
  return readDicomSeries(scan.series[0]);
}

/** Frame `frame` of a file (any samples per pixel) decoded by its codec, pixel-interleaved. */
async function decodeFile(file: string, frame = 0): Promise<number[]> {
  const { instance, dataSet } = await readDicomFile(file, { headerOnly: false, maxBytes: MAX });
  const out = new Float64Array(instance.rows * instance.columns * instance.samplesPerPixel);
  await decodeCompressedFrame(instance, dataSet, frame, out, 0);
  return Array.from(out);
}

function maxDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let p = 0; p < a.length; p++) d = Math.max(d, Math.abs(a[p] - b[p]));
  return d;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'patchlens-codec-'));
}

describe.skipIf(!has)('compressed DICOM through the cornerstone codecs (pydicom test files)', () => {
  it('MR_small as JPEG-LS lossless, JPEG 2000 lossless and RLE: voxels = MR_small.dcm exactly (and = pydicom for RLE)', async () => {
    const mr = await read(join(T, 'MR_small.dcm'));
    const cases: [string, string][] = [
      ['MR_small_jpeg_ls_lossless.dcm', 'JPEG-LS lossless'],
      ['MR_small_jp2klossless.dcm', 'JPEG 2000 lossless'],
      ['MR_small_RLE.dcm', 'RLE lossless'],
    ];
    for (const [file, name] of cases) {
      const v = await read(join(T, file));
      expect(v.dicom.transferSyntaxes, file).toEqual([name]);
      expect(v.shape, file).toEqual([1, 64, 64]);
      expect(v.data, file).toBeInstanceOf(Uint16Array);
      expect(v.affine, file).toEqual(mr.affine);
      expect(maxDiff(Array.from(v.data), Array.from(mr.data)), file).toBe(0);
    }
    const rle = pydicomPixels([join(T, 'MR_small_RLE.dcm')])[join(T, 'MR_small_RLE.dcm')];
    expect(Array.from((await read(join(T, 'MR_small_RLE.dcm'))).data)).toEqual(rle.stored);
  });

  it('HTJ2K: MR_small encoded losslessly by OpenJPH into a DICOM (1.2.840.10008.1.2.4.201) reads back as MR_small exactly', async () => {
    const mr = await read(join(T, 'MR_small.dcm'));
    const require = createRequire(import.meta.url);
    const codec = await (require('@cornerstonejs/codec-openjph/wasmjs') as (o: object) => Promise<Record<string, new () => HtEncoder>>)({ print: () => {}, printErr: () => {} });
    interface HtEncoder { getDecodedBuffer(info: object): Uint8Array; setQuality(lossless: boolean, step: number): void; encode(): void; getEncodedBuffer(): Uint8Array; delete(): void }
    const enc = new codec.HTJ2KEncoder();
    const raw = new Int16Array(Array.from(mr.data)); // MR_small is signed 16-bit (PixelRepresentation 1)
    enc.getDecodedBuffer({ width: 64, height: 64, bitsPerSample: 16, componentCount: 1, isSigned: true, isUsingColorTransform: false }).set(new Uint8Array(raw.buffer));
    enc.setQuality(true, 0);
    enc.encode();
    const stream = enc.getEncodedBuffer().slice();
    enc.delete();
    const file = join(tempDir(), 'mr_htj2k.dcm');
    writeVariant(join(T, 'MR_small_jpeg_ls_lossless.dcm'), file, { codestream: stream, syntax: '1.2.840.10008.1.2.4.201' });
    const v = await read(file);
    expect(v.dicom.transferSyntaxes).toEqual(['HTJ2K lossless']);
    expect(maxDiff(Array.from(v.data), Array.from(mr.data))).toBe(0);
  });

  it('colour: RLE (1 and 2 frames) = pydicom; JPEG lossless (process 14) = the RLE image exactly; lossy JPEG baseline and JPEG 2000 within a few levels of it', async () => {
    const oracle = pydicomPixels([join(T, 'SC_rgb_rle.dcm'), join(T, 'SC_rgb_rle_2frame.dcm')]);
    const rle = await decodeFile(join(T, 'SC_rgb_rle.dcm'));
    expect(rle).toEqual(oracle[join(T, 'SC_rgb_rle.dcm')].stored);
    const two = oracle[join(T, 'SC_rgb_rle_2frame.dcm')].stored;
    expect(await decodeFile(join(T, 'SC_rgb_rle_2frame.dcm'), 1)).toEqual(two.slice(30000));
    expect(rle.slice(3 * (5 * 100 + 50), 3 * (5 * 100 + 50) + 3)).toEqual([255, 0, 0]); // row 5: red, as pydicom's tests have it
    expect(await decodeFile(join(T, 'SC_rgb_jpeg_gdcm.dcm'))).toEqual(rle);
    // Lossy: no independent JPEG decoder here (pydicom has none installed), so the largest and the
    // mean difference from the lossless image are pinned as measured (the decoders are deterministic;
    // the large maxima are at the colour bars' edges, where subsampled chroma smears).
    const lossy: [string, number, number][] = [
      ['SC_rgb_jpeg_dcmtk.dcm', 6, 0.567], // baseline, YBR_FULL
      ['SC_rgb_dcmtk_+eb+cy+s2.dcm', 6, 0.567], // baseline, YBR_FULL_422
      ['SC_rgb_dcmtk_+eb+cr.dcm', 2, 0.14], // baseline, RGB
      ['SC_rgb_jpeg_lossy_gdcm.dcm', 75, 2.608], // baseline, RGB, 2350 of 30000 samples off by more than 8
      ['SC_rgb_gdcm_KY.dcm', 0, 0], // JPEG 2000 (1.2.840.10008.1.2.4.91), reversible here
    ];
    for (const [f, max, mean] of lossy) {
      const got = await decodeFile(join(T, f));
      expect(maxDiff(got, rle), f).toBe(max);
      expect(got.reduce((sum, v, p) => sum + Math.abs(v - rle[p]), 0) / got.length, f).toBeCloseTo(mean, 3);
      expect(got.slice(3 * (5 * 100 + 50), 3 * (5 * 100 + 50) + 3).map((v) => Math.round(v / 8)), f).toEqual([32, 0, 0]); // still red at row 5
    }
  });

  it('greyscale lossy JPEG 2000 (693_J2KI, JPEG2000.dcm) decode to the file\'s size and signed 16-bit values', async () => {
    const a = await read(join(T, '693_J2KI.dcm'));
    expect([a.shape, a.data.constructor.name, a.range]).toEqual([[1, 512, 512], 'Int16Array', [-3995, 1812]]);
    const b = await read(join(T, 'JPEG2000.dcm'));
    expect([b.shape, b.data.constructor.name, b.range]).toEqual([[1, 1024, 256], 'Int16Array', [-30, 245]]);
  });

  it('the compressed syntaxes with a codec are marked supported, with their package', () => {
    expect(transferSyntaxInfo('1.2.840.10008.1.2.4.80')).toEqual({ uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS lossless', supported: true, compressed: true, codec: '@cornerstonejs/codec-charls' });
    expect(transferSyntaxInfo('1.2.840.10008.1.2.5').codec).toBe('@cornerstonejs/dicom-codec');
    expect(transferSyntaxInfo('1.2.840.10008.1.2.4.100')).toEqual({ uid: '1.2.840.10008.1.2.4.100', name: 'MPEG-2', supported: false, compressed: true });
  });
});

describe.skipIf(!has)('compressed DICOM that cannot be decoded: the file, the frame and the syntax named', () => {
  const where = (file: string, syntax: string) => `${file} frame 1 of 1 (${syntax})`;

  it('a JPEG-LS, JPEG 2000 or RLE frame cut to half its bytes (the file itself intact)', async () => {
    const dir = tempDir();
    const cases: [string, string, RegExp][] = [
      ['MR_small_jpeg_ls_lossless.dcm', 'JPEG-LS lossless, transfer syntax 1.2.840.10008.1.2.4.80', /@cornerstonejs\/codec-charls could not decode the 1\.2\.840\.10008\.1\.2\.4\.80 stream: .+/],
      ['MR_small_jp2klossless.dcm', 'JPEG 2000 lossless, transfer syntax 1.2.840.10008.1.2.4.90', /@cornerstonejs\/codec-openjpeg could not decode the 1\.2\.840\.10008\.1\.2\.4\.90 stream: the decoder returned 0 bytes, the frame needs 8192/],
      ['MR_small_RLE.dcm', 'RLE lossless, transfer syntax 1.2.840.10008.1.2.5', /@cornerstonejs\/dicom-codec could not decode the 1\.2\.840\.10008\.1\.2\.5 stream: RLE segment 2 of 2 (runs past its end|expands to \d+ bytes), the image needs 4096 \(a cut or corrupt stream\)/],
    ];
    for (const [src, syntax, reason] of cases) {
      const file = join(dir, src);
      writeVariant(join(T, src), file, { keep: 0.5 });
      const error = await read(file).then(() => null, (e: Error) => e.message);
      expect(error, src).toContain(where(file, syntax));
      expect(error, src).toMatch(reason);
    }
  });

  it('a stream whose own header disagrees with Rows is refused before decoding', async () => {
    const file = join(tempDir(), 'rows.dcm');
    writeVariant(join(T, 'MR_small_jpeg_ls_lossless.dcm'), file, { rows: 32 });
    await expect(read(file)).rejects.toThrow(`${where(file, 'JPEG-LS lossless, transfer syntax 1.2.840.10008.1.2.4.80')}: @cornerstonejs/codec-charls could not decode the 1.2.840.10008.1.2.4.80 stream: the stream declares 64×64 (columns×rows) with 1 component(s), the file 64×32 with 1 sample(s) per pixel`);
  });

  it('a truncated compressed file (cut inside its pixel data) is refused naming the file', async () => {
    const file = join(tempDir(), 'cut.dcm');
    const bytes = readFileSync(join(T, 'MR_small_jpeg_ls_lossless.dcm'));
    writeFileSync(file, bytes.subarray(0, bytes.length - 1000));
    await expect(read(file)).rejects.toThrow(`${file}: not a readable DICOM file (`);
  });

  it('12-bit JPEG (JPEG-lossy.dcm) and 32-bit RLE (rtdose_rle.dcm) have no cornerstone codec: refused by name', async () => {
    const dir = tempDir();
    for (const f of ['JPEG-lossy.dcm', 'rtdose_rle.dcm']) copyFileSync(join(T, f), join(dir, f));
    await expect(read(join(dir, 'JPEG-lossy.dcm'))).rejects.toThrow(`${where(join(dir, 'JPEG-lossy.dcm'), 'JPEG extended, transfer syntax 1.2.840.10008.1.2.4.51')}: @cornerstonejs/codec-libjpeg-turbo-8bit could not decode the 1.2.840.10008.1.2.4.51 stream: 12-bit JPEG has no decoder here`);
    await expect(read(join(dir, 'rtdose_rle.dcm'))).rejects.toThrow(`${join(dir, 'rtdose_rle.dcm')} frame 1 of 15 (RLE lossless, transfer syntax 1.2.840.10008.1.2.5): @cornerstonejs/dicom-codec could not decode the 1.2.840.10008.1.2.5 stream: RLE with 32 bits allocated`);
  });
});
