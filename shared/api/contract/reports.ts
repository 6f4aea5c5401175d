/**
 * The reports domain's data: what a report export wrote.
 */

/** Paths written by a report export. */
export interface ReportExport {
  html: string;
  pdf: string;
  json: string;
  /** The report as a DICOM Encapsulated PDF in the study of the sweep's series (`<pdf>.dcm`), when the sweep's image came from one; null otherwise. */
  dicomPdf: string | null;
  /** Every file the export wrote. */
  files: string[];
  /** Browser transport: a same-origin URL the page can download the PDF from (null in Electron). */
  pdfUrl: string | null;
}
