/**
 * The independent readers the DICOM tests compare with: pydicom (Debian's python3-pydicom under
 * /usr/bin/python3) for the voxels, dcm2niix for the geometry; and where their data are.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti, type NiftiVolume } from '../../../shared/io/nifti';
import { commandTool, fileTool, type Tool } from '../../helpers/requireTool';

/** pydicom's test files (Debian python3-pydicom). */
export const PYDICOM_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
/** The interpreter that sees Debian's python3-pydicom and python3-numpy. */
const PYTHON = '/usr/bin/python3';
const APT = 'apt-get install -y python3-pydicom python3-numpy dcm2niix dicom3tools (.ci/run installs them)';

/** What the DICOM suites need from the machine. */
export function dicomTools(): Tool[] {
  const pydicom = spawnSync(PYTHON, ['-c', 'import pydicom, numpy'], { encoding: 'utf8' });
  return [
    { name: 'pydicom and numpy (/usr/bin/python3)', present: pydicom.status === 0, install: APT },
    fileTool('pydicom test files', join(PYDICOM_FILES, 'CT_small.dcm'), APT),
    commandTool('dcm2niix', APT),
  ];
}

/** pydicom's reading of one file: `pixel_array` and `apply_modality_lut(pixel_array)`, flattened. */
export interface PydicomPixels {
  shape: number[];
  stored: number[];
  modality: number[];
}

const SCRIPT = `
import json, sys, pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut
out = {}
for path in sys.argv[1:]:
    ds = pydicom.dcmread(path)
    a = ds.pixel_array
    out[path] = {"shape": list(a.shape), "stored": a.ravel().tolist(), "modality": apply_modality_lut(a, ds).ravel().tolist()}
json.dump(out, sys.stdout)
`;

/** pydicom's pixels of each file (one interpreter for all). */
export function pydicomPixels(files: readonly string[]): Record<string, PydicomPixels> {
  const run = spawnSync(PYTHON, ['-c', SCRIPT, ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`pydicom failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, PydicomPixels>;
}

/** dcm2niix's NIfTI (uncompressed, no BIDS sidecar) of the DICOM files in `folder`, read with the project's reader. */
export function dcm2niix(folder: string): NiftiVolume {
  const out = mkdtempSync(join(tmpdir(), 'patchlens-dcm2niix-'));
  const run = spawnSync('dcm2niix', ['-z', 'n', '-b', 'n', '-f', 'out', '-o', out, folder], { encoding: 'utf8' });
  const files = readdirSync(out).filter((f) => f.endsWith('.nii'));
  if (run.status !== 0 || files.length !== 1) throw new Error(`dcm2niix ${folder}: exit ${run.status}, wrote ${files.join(', ') || 'nothing'}\n${run.stdout}${run.stderr}`);
  return readNifti(readFileSync(join(out, files[0])));
}

/** pydicom writes an Enhanced CT (one multi-frame file, per-frame PlanePositionSequence, frames out of slice order) from a folder of CT slices. */
const ENHANCED_SCRIPT = `
import sys, glob, pydicom, numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
src = sorted(glob.glob(sys.argv[1] + '/*'))
order = [2, 0, 4, 1, 3]  # frames deliberately not in slice order
dss = [pydicom.dcmread(src[n]) for n in order]
f = dss[0]
ds = Dataset()
for kw in ['PatientName', 'PatientID', 'StudyDate', 'StudyInstanceUID', 'SeriesInstanceUID', 'SeriesNumber', 'Modality', 'SeriesDescription', 'FrameOfReferenceUID', 'Rows', 'Columns', 'BitsAllocated', 'BitsStored', 'HighBit', 'PixelRepresentation', 'SamplesPerPixel', 'PhotometricInterpretation']:
    setattr(ds, kw, getattr(f, kw))
ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.2.1'  # Enhanced CT Image Storage
ds.SOPInstanceUID = generate_uid()
ds.NumberOfFrames = len(dss)
shared = Dataset()
pm = Dataset(); pm.PixelSpacing = f.PixelSpacing; pm.SliceThickness = f.SliceThickness
po = Dataset(); po.ImageOrientationPatient = f.ImageOrientationPatient
pv = Dataset(); pv.RescaleSlope = f.RescaleSlope; pv.RescaleIntercept = f.RescaleIntercept; pv.RescaleType = 'HU'
shared.PixelMeasuresSequence = Sequence([pm]); shared.PlaneOrientationSequence = Sequence([po]); shared.PixelValueTransformationSequence = Sequence([pv])
ds.SharedFunctionalGroupsSequence = Sequence([shared])
per = []
for d in dss:
    item = Dataset(); pp = Dataset(); pp.ImagePositionPatient = d.ImagePositionPatient
    item.PlanePositionSequence = Sequence([pp]); per.append(item)
ds.PerFrameFunctionalGroupsSequence = Sequence(per)
ds.PixelData = np.stack([d.pixel_array for d in dss]).astype(f.pixel_array.dtype).tobytes()
meta = FileMetaDataset(); meta.MediaStorageSOPClassUID = ds.SOPClassUID; meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID; meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds.file_meta = meta; ds.is_little_endian = True; ds.is_implicit_VR = False
ds.save_as(sys.argv[2], write_like_original=False)
`;

/** Writes, with pydicom, the single-frame CT slices in `folder` as one Enhanced CT file `out` (frames in the order 2, 0, 4, 1, 3 of the sorted file names). */
export function writeEnhancedCt(folder: string, out: string): void {
  const run = spawnSync(PYTHON, ['-c', ENHANCED_SCRIPT, folder, out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pydicom could not write the Enhanced CT: ${run.stderr}`);
}
