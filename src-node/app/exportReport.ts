import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ReportExport } from '../../shared/api/contract';
import { REPORT_FILES, reportTargetsFor, writeReport } from '../report/writeReport';
import type { HostContext } from './hostContext';
import { PROJECT_LAYOUT } from './projectStore';
import { fail, ServiceError } from './serviceError';
import type { Session } from './session';
import { sweepSummary } from './sweepRecords';
import { userFindings } from '../report/userFindings';
import type { ReportPatient, ReportUserFindings } from '../report/reportTypes';
import { readSweepFile } from '../sweep/sweepFolder';
import { reportPatientOfRecord } from '../report/reportPatient';
import { readDicomSource, type DicomSourceRecord } from './dicomSource';
import { pdfSourceOfSegSource, writeEncapsulatedPdf } from '../dicom/pdf';
import { writeFileAtomic } from '../fs/atomicWrite';

/**
 * The findings the user recorded on the session's open image (its annotation, saved or not),
 * for the report's Findings section with thumbnails over the edited labels (in the label table's
 * colours); null when none.
 */
function sessionFindings(session: Session): ReportUserFindings | null {
  const annotation = session.annotation;
  const image = session.image;
  if (!annotation || !image || annotation.findings.findings.length === 0) return null;
  const v = image.volume;
  const labels = { shape: [...v.shape], spacing: [...v.spacing], affine: v.affine, data: annotation.labels };
  // The annotation's table: the thumbnails draw the labels in its colours, hidden ones left out, as the viewer does.
  return userFindings(annotation.findings, { image: v, labels, table: annotation.table });
}

/**
 * The DICOM source record of a sweep's image: the record beside each case's image, when it
 * belongs to the file the sweep ran (its SHA-256 in sweep.json) and every case comes from that
 * one series; otherwise why not (one sentence), for a patient block that cannot be made.
 * @throws ServiceError `bad-input` for an unreadable sweep.json or source record (named by path, never by the patient)
 */
function sweepDicom(dir: string, sweepId: string): { record: DicomSourceRecord | null; why: string } {
  let cases;
  let records;
  try {
    cases = readSweepFile(dir)?.cases ?? [];
    records = cases.map((c) => readDicomSource(c.image, c.imageSha256));
  } catch (e) {
    throw fail('bad-input', `report:export: sweep ${sweepId}: ${(e as Error).message}`);
  }
  const found = records.filter((r) => r !== null);
  const series = new Set(found.map((r) => r.info.series.instanceUid));
  if (found.length === 0 || found.length < cases.length) {
    const which = cases.length === 1 ? 'the image of' : found.length === 0 ? 'no image of' : 'not every image of';
    return { record: null, why: `${which} sweep ${sweepId} ${cases.length === 1 ? 'was not' : 'was'} opened from a DICOM series, so there are no patient identifiers to include` };
  }
  if (series.size > 1) return { record: null, why: `the cases of sweep ${sweepId} come from ${series.size} DICOM series; a report holds the patient identifiers of one:` };
  return { record: found[0], why: '' };
}

/**
 * The patient block of a sweep's image (the user opted in), from {@link sweepDicom}'s record.
 * @throws ServiceError `precondition` when the image did not come from a DICOM series, or the
 * sweep's cases come from more than one series (a report holds one patient block)
 */
function sweepPatient(dicom: ReturnType<typeof sweepDicom>): ReportPatient {
  if (!dicom.record) throw fail('precondition', `report:export: ${dicom.why}${dicom.why.endsWith(':') ? '' : ';'} export without "Include patient identifiers"`);
  return reportPatientOfRecord(dicom.record);
}

/**
 * Writes `<pdf>.dcm`: the printed report as a DICOM Encapsulated PDF in the study of the
 * sweep's series (a new DOC series), atomically; its path.
 * @throws ServiceError `internal` naming the file (the report itself is written)
 */
function writeDicomPdf(pdfPath: string, record: DicomSourceRecord, showsPatient: boolean): string {
  const target = `${pdfPath}.dcm`;
  try {
    const source = pdfSourceOfSegSource(record.source, record.attributes.sopClassUid);
    writeFileAtomic(target, writeEncapsulatedPdf(readFileSync(pdfPath), source, { documentTitle: 'PatchLens report', attributes: record.attributes, showsPatientIdentifiers: showsPatient }).bytes);
  } catch (e) {
    throw fail('internal', `report:export: the report is written, but not ${basename(target)}: ${(e as Error).message.split('\n')[0]}`);
  }
  return target;
}

/**
 * Exports a sweep's report. Electron: a save dialog, then a confirmation listing every file when
 * any would be replaced (null: cancelled or declined). Browser transport: the sweep's own folder;
 * when report files exist there and `replace` is not true, answers `conflict` listing them.
 * `includePatient`: the report gets the patient block of the sweep's DICOM image ({@link sweepPatient}).
 * A sweep of one DICOM series also gets `<pdf>.dcm`, the report as a DICOM Encapsulated PDF in its study.
 */
export async function exportReport(ctx: HostContext, session: Session, sweepId: string, replace: boolean, includePatient = false): Promise<ReportExport | null> {
  session.assertWritable('report:export');
  const sweep = ctx.records.sweeps.get(sweepId);
  if (!sweep || !session.sweepIds.has(sweepId)) throw fail('not-found', `report:export: no sweep ${sweepId}`);
  // Before any dialog: a report that cannot hold what was asked for is refused first.
  const dicom = sweepDicom(sweep.dir, sweepId);
  const patient = includePatient ? sweepPatient(dicom) : null;
  const dialogs = ctx.options.dialogs;
  let target: string | null = null;
  if (dialogs) {
    target = await dialogs.saveReport(`patchlens-report-${sweepId}.pdf`);
    if (target === null) return null;
  }
  const out = target ? reportTargetsFor(target) : { pdf: join(sweep.dir, REPORT_FILES.pdf), html: join(sweep.dir, REPORT_FILES.html), json: join(sweep.dir, REPORT_FILES.json) };
  // A sweep of one DICOM series also gets its report as an Encapsulated PDF in that study, for PACS.
  const dicomPdf = dicom.record ? `${out.pdf}.dcm` : null;
  const writes = [out.html, out.pdf, out.json, ...(dicomPdf ? [dicomPdf] : [])];
  const existing = writes.filter((f) => existsSync(f));
  if (existing.length > 0 && !replace) {
    if (dialogs) {
      if (!(await dialogs.confirmReplace(writes, existing))) return null;
    } else {
      throw fail('conflict', `report:export: the report of sweep ${sweepId} exists: exporting writes ${writes.map((f) => basename(f)).join(', ')} into ${dirname(out.pdf)} and replaces ${existing.map((f) => basename(f)).join(', ')}`);
    }
  }
  let written: ReportExport | null = null;
  const job = ctx.queue.add({
    kind: 'report',
    label: `Report of sweep ${sweepId}`,
    owner: session.id,
    run: async ({ progress }) => {
      progress({ fraction: 0.05, phase: 'report', etaMs: null, message: 'summarizing' });
      sweepSummary(sweep.dir);
      const findings = sessionFindings(session);
      // Nothing is written until the PDF printed; then the three files are renamed into place (report.json last).
      await writeReport(sweep.dir, {
        files: out,
        // The user said yes to replacing (or nothing exists): the report of this sweep, or the files they confirmed.
        force: true,
        printToPdf: ctx.options.printToPdf,
        ...(findings ? { userFindings: findings } : {}),
        ...(patient ? { patient } : {}),
        onProgress: (m) => progress({ fraction: m.startsWith('printing') ? 0.5 : 0.2, phase: 'report', etaMs: null, message: m }),
      });
      if (dicom.record) writeDicomPdf(out.pdf, dicom.record, patient !== null);
      const rel = [PROJECT_LAYOUT.sweeps, sweepId, REPORT_FILES.pdf].join('/');
      written = { ...out, dicomPdf, files: writes, pdfUrl: !dialogs && ctx.options.downloadBase !== undefined ? `${ctx.options.downloadBase.replace(/\/+$/, '')}/${rel}` : null };
      return sweepId;
    },
  });
  const done = await ctx.queue.settled(job.id);
  if (done.state === 'cancelled') throw fail('cancelled', `report:export: cancelled`);
  if (done.state === 'failed') throw new ServiceError(done.error?.code ?? 'internal', done.error?.message ?? 'report:export failed');
  return written;
}
