/**
 * DICOM Encapsulated PDF (issue 15, output): a report stored in its images' study as a new series
 * (`writeEncapsulatedPdf`).
 */
export { writeEncapsulatedPdf, pdfSourceOfSegSource, ENCAPSULATED_PDF_SOP_CLASS_UID, DIAGNOSTIC_IMAGING_REPORT, type PdfSource, type WriteEncapsulatedPdfOptions, type WrittenEncapsulatedPdf } from './writeEncapsulatedPdf';
