/**
 * scanDicomFolder on pydicom's test files and on folders made from them: what it lists, what it
 * skips and why; and readDicomSeries' errors for bad input (a missing slice, compressed data,
 * mixed series, the size limit).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDicomSeries, scanDicomFolder, transferSyntaxInfo } from '../../../src-node/dicom';
import { unsupportedSyntaxMessage } from '../../../src-node/dicom/transferSyntax';
import { requireTools } from '../../helpers/requireTool';
import { dicomTools, PYDICOM_FILES } from './oracles';

const has = requireTools('scanDicomFolder.test (pydicom\'s test files)', dicomTools());
const T = PYDICOM_FILES;
const DIRTESTS = join(T, 'dicomdirtests');
const CT5N = join(DIRTESTS, '98892001/CT5N');
const CT5N_FILES = ['2062', '2392', '2693', '3023', '3353'].map((f) => join(CT5N, f));

function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), 'patchlens-dicom-'));
}

describe.skipIf(!has)('scanDicomFolder', () => {
  it('lists the 13 series of dicomdirtests with their patient, study, modality, description, images and size; the DICOMDIRs are skipped as such', async () => {
    const scan = await scanDicomFolder(DIRTESTS);
    expect(scan.source).toBe('folder');
    expect(scan.series).toHaveLength(13);
    const ct5n = scan.series.find((s) => s.files[0].startsWith(CT5N));
    expect(ct5n).toMatchObject({
      seriesNumber: 5,
      modality: 'CT',
      seriesDescription: 'SmartScore - Gated 0.5 sec',
      images: 5,
      rows: 16,
      columns: 16,
      sizes: ['16×16'],
      transferSyntaxes: ['explicit VR little endian'],
      files: CT5N_FILES,
    });
    expect(ct5n?.seriesInstanceUid).toBe('1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.6');
    expect(ct5n?.patientName).not.toBe('');
    expect(ct5n?.studyDate).toMatch(/^\d{8}$/);
    expect(scan.series.reduce((n, s) => n + s.images, 0)).toBe(31);
    const dirs = scan.skipped.filter((s) => /DICOMDIR/.test(basename(s.path)));
    expect(dirs.length).toBeGreaterThanOrEqual(3);
    for (const d of dirs) expect(d.reason).toMatch(/DICOMDIR|not a DICOM file|not a readable DICOM file/);
    expect(scan.skipped.find((s) => s.path === join(DIRTESTS, 'DICOMDIR'))?.reason).toBe('a DICOMDIR (directory records, not an image)');
  });

  it('reads a DICOMDIR\'s IMAGE records (not its folder): the same series and files as walking the folder', async () => {
    const viaDir = await scanDicomFolder(join(DIRTESTS, 'DICOMDIR'));
    const walked = await scanDicomFolder(DIRTESTS);
    expect(viaDir.source).toBe('dicomdir');
    expect(viaDir.skipped).toEqual([]);
    expect(viaDir.series.map((s) => [s.seriesInstanceUid, s.files])).toEqual(walked.series.map((s) => [s.seriesInstanceUid, s.files]));
  });

  it('a folder with two series, a text file and a truncated copy: both series listed apart, the others skipped with the reason', async () => {
    const dir = tempFolder();
    for (const f of CT5N_FILES) copyFileSync(f, join(dir, basename(f)));
    mkdirSync(join(dir, 'sub'));
    copyFileSync(join(T, 'MR_small.dcm'), join(dir, 'sub', 'mr.dcm'));
    writeFileSync(join(dir, 'notes.txt'), 'not an image\n');
    const whole = readFileSync(join(T, 'CT_small.dcm'));
    writeFileSync(join(dir, 'cut.dcm'), whole.subarray(0, whole.length - 1000));
    const scan = await scanDicomFolder(dir);
    expect(scan.series.map((s) => [s.modality, s.images, s.sizes])).toEqual([
      ['MR', 1, ['64×64']],
      ['CT', 5, ['16×16']],
    ]);
    expect(scan.skipped).toEqual([
      { path: join(dir, 'cut.dcm'), reason: 'truncated: its pixel data (32768 bytes declared) run past the end of the file' },
      { path: join(dir, 'notes.txt'), reason: 'not a DICOM file (no "DICM" prefix at byte 128)' },
    ]);
  });

  it('pydicom\'s truncated MR is skipped, and a folder with no DICOM image is an error listing what it skipped', async () => {
    const dir = tempFolder();
    copyFileSync(join(T, 'MR_truncated.dcm'), join(dir, 'MR_truncated.dcm'));
    writeFileSync(join(dir, 'a.txt'), 'hello');
    await expect(scanDicomFolder(dir)).rejects.toThrow(
      `scanDicomFolder: ${dir}: no DICOM image found (2 file(s) skipped: ${join(dir, 'MR_truncated.dcm')}: truncated: its pixel data (8192 bytes declared) run past the end of the file; ${join(dir, 'a.txt')}: not a DICOM file (no "DICM" prefix at byte 128))`,
    );
    await expect(scanDicomFolder(join(dir, 'nothing'))).rejects.toThrow(`scanDicomFolder: ${join(dir, 'nothing')}: no such file or folder`);
  });

  it('DICOM that is not an image (an RT plan) is skipped as such', async () => {
    const scan = await scanDicomFolder([join(T, 'rtplan.dcm'), join(T, 'CT_small.dcm')]);
    expect(scan.source).toBe('files');
    expect(scan.skipped).toEqual([{ path: join(T, 'rtplan.dcm'), reason: 'DICOM without pixel data (Modality RTPLAN, SOP class 1.2.840.10008.5.1.4.1.1.481.5)' }]);
  });
});

describe.skipIf(!has)('readDicomSeries on bad input', () => {
  it('a series copied without its middle slice: the gap is named with the files on either side', async () => {
    const dir = tempFolder();
    for (const f of CT5N_FILES.filter((f) => !f.endsWith('2693'))) copyFileSync(f, join(dir, basename(f)));
    const scan = await scanDicomFolder(dir);
    await expect(readDicomSeries(scan.series[0])).rejects.toThrow(
      `readDicomSeries: series 5 (1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.6): missing slice(s): the step between ${join(dir, '3023')} (at 1.2625 mm) and ${join(dir, '2392')} (at 6.2625 mm) is 5.0000 mm, more than 1.5× the median step 2.5000 mm (about 1 slice(s) missing)`,
    );
  });

  it('compressed files are listed with their syntax; the one without a codec (12-bit JPEG) is refused with the file, the frame and the syntax', async () => {
    const cases: [string, string][] = [
      ['MR_small_jpeg_ls_lossless.dcm', 'JPEG-LS lossless'],
      ['MR_small_jp2klossless.dcm', 'JPEG 2000 lossless'],
      ['MR_small_RLE.dcm', 'RLE lossless'],
    ];
    for (const [file, syntax] of cases) {
      const scan = await scanDicomFolder([join(T, file)]);
      expect(scan.series[0].transferSyntaxes).toEqual([syntax]);
      expect((await readDicomSeries(scan.series[0])).shape, file).toEqual([1, 64, 64]);
    }
    const lossy = await scanDicomFolder([join(T, 'JPEG-lossy.dcm')]);
    expect(lossy.series[0].transferSyntaxes).toEqual(['JPEG extended']);
    await expect(readDicomSeries(lossy.series[0])).rejects.toThrow(`${join(T, 'JPEG-lossy.dcm')} frame 1 of 1 (JPEG extended, transfer syntax 1.2.840.10008.1.2.4.51): @cornerstonejs/codec-libjpeg-turbo-8bit could not decode the 1.2.840.10008.1.2.4.51 stream: 12-bit JPEG has no decoder here`);
    expect(unsupportedSyntaxMessage(transferSyntaxInfo('1.2.840.10008.1.2.4.100'))).toMatch(/^compressed DICOM \(MPEG-2, transfer syntax 1\.2\.840\.10008\.1\.2\.4\.100\) has no decoder in PatchLens \(compressed syntaxes decoded: JPEG baseline, .*RLE lossless\); convert it/);
  });

  it('files of two series given as one list are refused as mixed series', async () => {
    await expect(readDicomSeries([CT5N_FILES[0], join(T, 'CT_small.dcm')])).rejects.toThrow(/mixed series: .* is in series .*, .* in /);
  });

  it('a non-DICOM file in a list of files is refused by name', async () => {
    const dir = tempFolder();
    writeFileSync(join(dir, 'x.txt'), 'x');
    await expect(readDicomSeries([CT5N_FILES[0], join(dir, 'x.txt')])).rejects.toThrow(`${join(dir, 'x.txt')} (not a DICOM file (no "DICM" prefix at byte 128))`);
  });

  it('the size limit is checked before the volume is allocated', async () => {
    const scan = await scanDicomFolder(CT5N);
    await expect(readDicomSeries(scan.series[0], { maxBytes: 4000 })).rejects.toThrow(
      /5 slices of 16×16 need 7\.5 KiB \(7680 bytes\) to read, over the limit of 3\.91 KiB \(4000 bytes\); if the series is real, raise the limit \(maxBytes\)/,
    );
  });
});
