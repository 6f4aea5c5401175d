/**
 * What the series picker lists of a DICOM folder (`file:dicomSeries`): its series, read from the
 * files' headers only (src-node/dicom scanDicomFolder; no pixel is decoded), with their sizes on
 * disk, and the files that were skipped. The patient fields go to the page for the picker; they
 * are never logged, and errors name files by their path in the folder, never a patient.
 */
import { stat } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { DICOM_SKIPPED_EXAMPLES, type DicomChoice, type DicomSeriesSummary } from '../../shared/api/contract';
import { scanDicomFolder, type DicomSeries } from '../dicom';
import { readDicomFile } from '../dicom/dicomFile';
import { DEFAULT_MAX_IMAGE_BYTES } from '../../shared/io/niftiLayout';
import { fail } from './serviceError';

/** StudyDescription (0008,1030) of a series' first file, '' when absent or unreadable (the scan read the file already). */
async function studyDescription(series: DicomSeries, maxBytes: number): Promise<string> {
  try {
    const { dataSet } = await readDicomFile(series.files[0], { headerOnly: true, maxBytes });
    return (dataSet.string('x00081030') ?? '').trim();
  } catch {
    return '';
  }
}

async function summary(series: DicomSeries, maxBytes: number): Promise<DicomSeriesSummary> {
  const sizes = await Promise.all(series.files.map(async (f) => (await stat(f)).size));
  return {
    seriesInstanceUid: series.seriesInstanceUid,
    seriesNumber: series.seriesNumber,
    modality: series.modality,
    seriesDescription: series.seriesDescription,
    images: series.images,
    rows: series.rows,
    columns: series.columns,
    ...(series.sizes.length > 1 ? { sizes: [...series.sizes] } : {}),
    bytes: sizes.reduce((a, b) => a + b, 0),
    transferSyntaxes: [...series.transferSyntaxes],
    patientName: series.patientName,
    patientId: series.patientId,
    studyDate: series.studyDate,
    studyDescription: await studyDescription(series, maxBytes),
  };
}

/**
 * Lists the series of the DICOM folder (or DICOMDIR, or file's folder) at `path`: what the picker
 * shows (`listing`), and the scanned series themselves (`series`: paths and headers, for main only).
 * @param ch the channel, for errors
 * @param name what the user calls the folder (its name; an upload's picked folder), for errors
 * @throws ServiceError `bad-input` `<ch>: <name>: no DICOM image found (…)` naming the first files skipped and why
 */
export async function listDicomFolder(ch: string, path: string, name: string, options: { maxBytes?: number } = {}): Promise<{ listing: Omit<DicomChoice, 'choice'>; series: DicomSeries[] }> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  let scan;
  let base = path;
  try {
    if (!(await stat(path)).isDirectory()) base = dirname(path); // a DICOMDIR
    scan = await scanDicomFolder(path, { maxBytes });
  } catch (e) {
    // scanDicomFolder names absolute paths (an upload's are inside the project): the folder's own names instead.
    const message = (e as Error).message.replace(`scanDicomFolder: ${path}: `, '').split(`${base}${sep}`).join('');
    throw fail('bad-input', `${ch}: ${name}: ${message}`);
  }
  const shown = (p: string) => relative(base, p).split(sep).join('/') || name;
  const listing = {
    name,
    series: await Promise.all(scan.series.map((s) => summary(s, maxBytes))),
    skipped: scan.skipped.length,
    skippedExamples: scan.skipped.slice(0, DICOM_SKIPPED_EXAMPLES).map((k) => ({ name: shown(k.path), reason: k.reason })),
  };
  return { listing, series: scan.series };
}
