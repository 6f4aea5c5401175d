/**
 * The reports domain's data: what a report export wrote.
 */

/** Paths written by a report export. */
export interface ReportExport {
  html: string;
  pdf: string;
  json: string;
  /** Every file the export wrote. */
  files: string[];
  /** Browser transport: a same-origin URL the page can download the PDF from (null in Electron). */
  pdfUrl: string | null;
}
