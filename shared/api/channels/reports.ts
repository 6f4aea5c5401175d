/**
 * The reports domain of the contract: exporting a sweep's report.
 */
import type { ReportExport } from '../contract/reports';

/** The reports domain's requests. */
export interface ReportRequests {
  /**
   * Exports a sweep's report (HTML + PDF + JSON): Electron asks where with a save dialog and asks
   * before replacing files (null when cancelled or declined); the browser transport writes into the
   * sweep's folder and answers `conflict` listing the files it would replace unless `replace` is true.
   * `includePatient` (default false) adds the patient block (name, ID, birth date, sex, study date,
   * accession, series) when the sweep's image was opened from a DICOM series (`precondition` when
   * it was not); without it no patient identifier is in the HTML, the PDF or the JSON.
   */
  'report:export': { args: { sweepId: string; replace?: boolean; includePatient?: boolean }; result: ReportExport | null };
}

/** A request channel of the reports domain. */
export type ReportChannel = keyof ReportRequests;

/** The reports domain's channels, in contract order. */
export const REPORT_CHANNELS = ['report:export'] as const satisfies readonly ReportChannel[];

// Compile-time check: the list names every channel of ReportRequests.
const _everyReportChannel: Exclude<ReportChannel, (typeof REPORT_CHANNELS)[number]> extends never ? true : false = true;
void _everyReportChannel;
