/**
 * The independent checks of a DICOM SEG: dicom3tools' `dciodvfy` (the IOD validator) and
 * pydicom's reading (Debian's python3-pydicom). Patient identifiers are compared inside Python
 * and only the comparison comes back, so no test log holds them.
 */
import { spawnSync } from 'node:child_process';
import { commandTool, type Tool } from '../../../helpers/requireTool';
import { dicomTools } from '../oracles';

/** What the SEG suites need: pydicom and its test files, and dciodvfy. */
export function segTools(): Tool[] {
  return [...dicomTools(), commandTool('dciodvfy', 'apt-get install -y dicom3tools (.ci/run installs it)')];
}

/** dciodvfy's verdict: the lines starting with "Error" and with "Warning". */
export interface DciodvfyResult {
  errors: string[];
  warnings: string[];
  output: string;
}

/** Runs dciodvfy on a file (it reports on stderr). */
export function dciodvfy(file: string): DciodvfyResult {
  const run = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  const lines = output.split('\n');
  return { errors: lines.filter((l) => l.startsWith('Error')), warnings: lines.filter((l) => l.startsWith('Warning')), output };
}

/** pydicom's reading of a SEG, and how its patient and study attributes compare with a source file's. */
export interface PydicomSeg {
  sopClassUid: string;
  numberOfFrames: number;
  rows: number;
  columns: number;
  segmentLabels: string[];
  algorithmTypes: string[];
  algorithmNames: string[];
  cielab: number[][];
  referencedSeries: string[];
  referencedInstances: string[];
  /** Per frame: the ReferencedSegmentNumber and the source SOP Instance UID. */
  frameSegments: number[];
  frameSources: string[];
  studyInstanceUid: string;
  frameOfReferenceUid: string;
  seriesInstanceUid: string;
  /** pixel_array, `[frames, rows, columns]` flattened. */
  pixels: number[];
  /** Whether PatientName, PatientID, PatientBirthDate, PatientSex and StudyInstanceUID equal the source file's. */
  patientMatches: boolean;
  contentDescription: string;
  segmentDescriptions: string[];
}

const SCRIPT = `
import json, sys, pydicom
seg = pydicom.dcmread(sys.argv[1])
src = pydicom.dcmread(sys.argv[2], stop_before_pixels=True)
keys = ["PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID"]
pf = seg.PerFrameFunctionalGroupsSequence
out = {
  "sopClassUid": str(seg.SOPClassUID),
  "numberOfFrames": int(seg.NumberOfFrames),
  "rows": int(seg.Rows), "columns": int(seg.Columns),
  "segmentLabels": [str(s.SegmentLabel) for s in seg.SegmentSequence],
  "algorithmTypes": [str(s.SegmentAlgorithmType) for s in seg.SegmentSequence],
  "algorithmNames": [str(s.get("SegmentAlgorithmName", "")) for s in seg.SegmentSequence],
  "segmentDescriptions": [str(s.get("SegmentDescription", "")) for s in seg.SegmentSequence],
  "cielab": [[int(v) for v in s.RecommendedDisplayCIELabValue] for s in seg.SegmentSequence],
  "referencedSeries": [str(s.SeriesInstanceUID) for s in seg.ReferencedSeriesSequence],
  "referencedInstances": [str(i.ReferencedSOPInstanceUID) for s in seg.ReferencedSeriesSequence for i in s.ReferencedInstanceSequence],
  "frameSegments": [int(f.SegmentIdentificationSequence[0].ReferencedSegmentNumber) for f in pf],
  "frameSources": [str(f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID) for f in pf],
  "studyInstanceUid": str(seg.StudyInstanceUID),
  "frameOfReferenceUid": str(seg.FrameOfReferenceUID),
  "seriesInstanceUid": str(seg.SeriesInstanceUID),
  "contentDescription": str(seg.get("ContentDescription", "")),
  "pixels": seg.pixel_array.reshape(-1).tolist(),
  "patientMatches": all(str(seg.get(k, "")) == str(src.get(k, "")) for k in keys),
}
json.dump(out, sys.stdout)
`;

/** pydicom's reading of the SEG `file`, compared with the source file `sourceFile`. */
export function pydicomSeg(file: string, sourceFile: string): PydicomSeg {
  const run = spawnSync('/usr/bin/python3', ['-c', SCRIPT, file, sourceFile], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`pydicom could not read ${file}: ${run.stderr}`);
  return JSON.parse(run.stdout) as PydicomSeg;
}
