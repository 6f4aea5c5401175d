/**
 * pydicom's reading of an Encapsulated PDF (Debian's python3-pydicom): the attributes a PACS
 * files it by, the document cut at EncapsulatedDocumentLength, and whether the patient and study
 * attributes equal a source file's (compared inside Python, so no test log holds them).
 */
import { spawnSync } from 'node:child_process';

/** What pydicom reads of an Encapsulated PDF. */
export interface PydicomPdf {
  sopClassUid: string;
  mediaStorageSopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  seriesNumber: number;
  seriesDescription: string;
  modality: string;
  mimeType: string;
  documentTitle: string;
  burnedInAnnotation: string;
  conceptName: string[];
  /** EncapsulatedDocumentLength, and the length of the stored value (even). */
  documentLength: number;
  valueLength: number;
  /** The stored value's bytes after the document (the pad), as numbers. */
  pad: number[];
  /** The document (the value cut at EncapsulatedDocumentLength), base64. */
  documentBase64: string;
  /** SourceInstanceSequence: [ReferencedSOPClassUID, ReferencedSOPInstanceUID]. */
  sourceInstances: string[][];
  /** Whether PatientName, PatientID, PatientBirthDate, PatientSex, StudyInstanceUID, StudyDate, StudyTime, StudyID and AccessionNumber equal the source file's. */
  patientStudyMatch: boolean;
}

const SCRIPT = `
import base64, json, sys, pydicom
d = pydicom.dcmread(sys.argv[1])
src = pydicom.dcmread(sys.argv[2], stop_before_pixels=True)
keys = ["PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID", "StudyDate", "StudyTime", "StudyID", "AccessionNumber"]
n = int(d.EncapsulatedDocumentLength)
value = bytes(d.EncapsulatedDocument)
c = d.ConceptNameCodeSequence[0]
json.dump({
  "sopClassUid": str(d.SOPClassUID), "mediaStorageSopClassUid": str(d.file_meta.MediaStorageSOPClassUID),
  "sopInstanceUid": str(d.SOPInstanceUID), "studyInstanceUid": str(d.StudyInstanceUID),
  "seriesInstanceUid": str(d.SeriesInstanceUID), "seriesNumber": int(d.SeriesNumber),
  "seriesDescription": str(d.SeriesDescription), "modality": str(d.Modality),
  "mimeType": str(d.MIMETypeOfEncapsulatedDocument), "documentTitle": str(d.DocumentTitle),
  "burnedInAnnotation": str(d.BurnedInAnnotation), "conceptName": [str(c.CodeValue), str(c.CodingSchemeDesignator), str(c.CodeMeaning)],
  "documentLength": n, "valueLength": len(value), "pad": list(value[n:]),
  "documentBase64": base64.b64encode(value[:n]).decode(),
  "sourceInstances": [[str(i.ReferencedSOPClassUID), str(i.ReferencedSOPInstanceUID)] for i in d.SourceInstanceSequence],
  "patientStudyMatch": all(str(d.get(k, "")) == str(src.get(k, "")) for k in keys),
}, sys.stdout)
`;

/** pydicom's reading of `file`, its patient and study compared with `sourceFile`'s. */
export function pydicomPdf(file: string, sourceFile: string): PydicomPdf {
  const run = spawnSync('/usr/bin/python3', ['-c', SCRIPT, file, sourceFile], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`pydicom failed on ${file}: ${run.stderr}`);
  return JSON.parse(run.stdout) as PydicomPdf;
}
