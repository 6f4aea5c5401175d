/**
 * DICOM input (Node side): find the series in a folder, a list of files or a DICOMDIR
 * (`scanDicomFolder`), and read one into a PatchLens Volume (`readDicomSeries`).
 */
export { scanDicomFolder, type DicomScan, type DicomSeries, type ScanDicomOptions, type SkippedFile } from './scan';
export { readDicomSeries, type DicomSlice, type DicomVolume, type ReadDicomSeriesOptions } from './readSeries';
export { transferSyntaxInfo, type TransferSyntaxInfo } from './transferSyntax';
export type { DicomFrame, DicomInstance } from './parseFile';
