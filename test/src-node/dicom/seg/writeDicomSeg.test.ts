/**
 * writeDicomSeg / readDicomSeg on pydicom's real CT5N series (5 slices of 16×16): a hand-made
 * 3-label map is written as a SEG that dciodvfy passes with no error, that pydicom reads (frames,
 * segment labels and colours, every source SOP Instance UID, per-frame source references, the
 * source's patient and study), and that readDicomSeg reads back to exactly the written voxels.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDicomSeries, scanDicomFolder, type DicomVolume } from '../../../../src-node/dicom';
import { readDicomSeg, rgbToDicomLab, SEG_SOP_CLASS_UID, writeDicomSeg, type SegSegment } from '../../../../src-node/dicom/seg';
import { segSourceOfSeries } from '../../../../src-node/dicom/seg/source';
import type { Volume } from '../../../../shared/io/volume';
import { requireTools } from '../../../helpers/requireTool';
import { PYDICOM_FILES, writeEnhancedCt } from '../oracles';
import { dciodvfy, pydicomSeg, segTools } from './segOracles';

const has = requireTools('writeDicomSeg.test (pydicom, dciodvfy)', segTools());
const CT5N = join(PYDICOM_FILES, 'dicomdirtests/98892001/CT5N');
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-seg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SEGMENTS: SegSegment[] = [
  { value: 1, name: 'Liver', color: [255, 0, 0] },
  { value: 2, name: 'Kidney', color: [0, 255, 0] },
  { value: 3, name: 'Spleen', color: [0, 0, 255] },
];

/** Label 1 a block on slices 0–2, label 2 a stripe on slices 1–3, label 3 one voxel on slice 4; slice order by k. */
function threeLabels(v: DicomVolume): Volume<Uint8Array> {
  const [n, rows, cols] = v.shape;
  const data = new Uint8Array(n * rows * cols);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < cols; i++) {
        const at = (k * rows + j) * cols + i;
        if (k <= 2 && j >= 2 && j < 7 && i >= 3 && i < 9) data[at] = 1;
        else if (k >= 1 && k <= 3 && j === 12) data[at] = 2;
      }
    }
  }
  data[(4 * rows + 5) * cols + 6] = 3;
  return { data, shape: v.shape, spacing: v.spacing, affine: v.affine };
}

describe.skipIf(!has)('writeDicomSeg / readDicomSeg (pydicom CT5N)', () => {
  let volume: DicomVolume;
  let labels: Volume<Uint8Array>;
  let file: string;
  beforeAll(async () => {
    volume = await readDicomSeries((await scanDicomFolder(CT5N)).series[0]);
    labels = threeLabels(volume);
    const seg = writeDicomSeg(labels, volume, SEGMENTS, { algorithm: { type: 'MANUAL' }, seriesDescription: 'hand-made' });
    expect(seg.segments).toEqual([
      { number: 1, value: 1, name: 'Liver', frames: 3 },
      { number: 2, value: 2, name: 'Kidney', frames: 3 },
      { number: 3, value: 3, name: 'Spleen', frames: 1 },
    ]);
    expect(seg.frames).toBe(7);
    file = join(tmp, 'three.seg.dcm');
    writeFileSync(file, seg.bytes);
  });

  it('dciodvfy reports no error', () => {
    const v = dciodvfy(file);
    console.log(`dciodvfy ${file}: ${v.errors.length} error(s), ${v.warnings.length} warning(s)`);
    expect(v.errors).toEqual([]);
  });

  it('pydicom reads it: 7 frames (only those holding a segment), the labels and colours, all 5 source UIDs, the source patient and study', () => {
    const p = pydicomSeg(file, volume.dicom.slices[0].file);
    expect(p.sopClassUid).toBe(SEG_SOP_CLASS_UID);
    expect(p.numberOfFrames).toBe(7);
    expect([p.rows, p.columns]).toEqual([16, 16]);
    expect(p.segmentLabels).toEqual(['Liver', 'Kidney', 'Spleen']);
    expect(p.algorithmTypes).toEqual(['MANUAL', 'MANUAL', 'MANUAL']);
    expect(p.cielab).toEqual(SEGMENTS.map((s) => rgbToDicomLab(s.color)));
    expect(p.cielab[0]).toEqual([34891, 53480, 50167]);
    expect(p.referencedSeries).toEqual([volume.dicom.seriesInstanceUid]);
    const uids = volume.dicom.slices.map((s) => s.sopInstanceUid);
    expect(new Set(uids).size).toBe(5);
    expect([...p.referencedInstances].sort()).toEqual([...uids].sort());
    // Frames: segment 1 on slices 0–2, segment 2 on 1–3, segment 3 on 4, each naming its source slice.
    expect(p.frameSegments).toEqual([1, 1, 1, 2, 2, 2, 3]);
    expect(p.frameSources).toEqual([0, 1, 2, 1, 2, 3, 4].map((k) => uids[k]));
    expect(p.studyInstanceUid).toBe(volume.dicom.studyInstanceUid);
    expect(p.frameOfReferenceUid).toBe(volume.dicom.frameOfReferenceUid);
    expect(p.seriesInstanceUid).toMatch(/^2\.25\.\d+$/);
    expect(p.seriesInstanceUid).not.toBe(volume.dicom.seriesInstanceUid);
    expect(p.patientMatches).toBe(true);
    // pydicom's pixels: frame 1 (segment 1, slice 0) is the 5×6 block.
    const plane = 256;
    const frame0 = p.pixels.slice(0, plane);
    expect(frame0.reduce((a, b) => a + b, 0)).toBe(30);
    expect(frame0).toEqual(Array.from(labels.data.slice(0, plane), (v) => (v === 1 ? 1 : 0)));
  });

  it('readDicomSeg gives exactly the written voxels, and the segments', () => {
    const r = readDicomSeg(file, volume);
    expect(r.labels.shape).toEqual(volume.shape);
    expect([...r.labels.data]).toEqual([...labels.data]);
    expect(r.segments.map((s) => [s.number, s.label, s.algorithmType, s.category?.value, s.type?.value])).toEqual([
      [1, 'Liver', 'MANUAL', '91723000', '85756007'],
      [2, 'Kidney', 'MANUAL', '91723000', '85756007'],
      [3, 'Spleen', 'MANUAL', '91723000', '85756007'],
    ]);
  });

  it('the source from a header-only scan is the reader\'s (same slices, same grid)', async () => {
    const source = segSourceOfSeries((await scanDicomFolder(CT5N)).series[0]);
    expect(source.dicom.slices).toEqual(volume.dicom.slices);
    expect(source.affine).toEqual(volume.affine);
    expect(source.shape).toEqual(volume.shape);
  });

  it('an AUTOMATIC SEG names its algorithm; an empty label map still has one frame', () => {
    const empty = { ...labels, data: new Uint8Array(labels.data.length) };
    const seg = writeDicomSeg(empty, volume, SEGMENTS.slice(0, 1), { algorithm: { type: 'AUTOMATIC', name: 'tiny model' } });
    expect(seg.frames).toBe(1);
    const f = join(tmp, 'empty.seg.dcm');
    writeFileSync(f, seg.bytes);
    expect(dciodvfy(f).errors).toEqual([]);
    const p = pydicomSeg(f, volume.dicom.slices[0].file);
    expect([p.algorithmTypes, p.algorithmNames]).toEqual([['AUTOMATIC'], ['tiny model']]);
    expect([...readDicomSeg(f, volume).labels.data].every((v) => v === 0)).toBe(true);
  });

  it('refuses what it cannot write or read, naming it', async () => {
    expect(() => writeDicomSeg(labels, volume, SEGMENTS.slice(0, 2), { algorithm: { type: 'MANUAL' } })).toThrow('writeDicomSeg: label value(s) without a segment: 3 (1 voxels); list every value present');
    expect(() => writeDicomSeg({ ...labels, shape: [5, 16, 8] }, volume, SEGMENTS, { algorithm: { type: 'MANUAL' } })).toThrow("the labels have shape [5,16,8] but the source series' grid is [5,16,16]");
    expect(() => writeDicomSeg(labels, volume, SEGMENTS, { algorithm: { type: 'AUTOMATIC' } })).toThrow("SegmentAlgorithmType AUTOMATIC needs the algorithm's name (SegmentAlgorithmName)");
    expect(() => writeDicomSeg(labels, volume, [...SEGMENTS, { value: 1, name: 'again', color: [1, 2, 3] }], { algorithm: { type: 'MANUAL' } })).toThrow('label value 1 is listed twice');
    const other = { ...volume, dicom: { ...volume.dicom, seriesInstanceUid: '1.2.3' } };
    expect(() => readDicomSeg(file, other)).toThrow(`readDicomSeg: ${file}: it references series ${volume.dicom.seriesInstanceUid}, not the source series 1.2.3`);
    expect(() => readDicomSeg(volume.dicom.slices[0].file, volume)).toThrow('not a DICOM Segmentation (SOP Class 1.2.840.10008.5.1.4.1.1.2)');
  });

  it('a multi-frame (Enhanced CT) source: frames referenced by ReferencedFrameNumber, read back exactly', async () => {
    const enhanced = join(tmp, 'enhanced.dcm');
    writeEnhancedCt(CT5N, enhanced);
    const multi = await readDicomSeries([enhanced]);
    const l = threeLabels(multi);
    const f = join(tmp, 'enhanced.seg.dcm');
    writeFileSync(f, writeDicomSeg(l, multi, SEGMENTS, { algorithm: { type: 'SEMIAUTOMATIC', name: 'brush' } }).bytes);
    expect(dciodvfy(f).errors).toEqual([]);
    const p = pydicomSeg(f, enhanced);
    expect(p.referencedInstances).toEqual([multi.dicom.slices[0].sopInstanceUid]);
    expect([...readDicomSeg(f, multi).labels.data]).toEqual([...l.data]);
  });
});
