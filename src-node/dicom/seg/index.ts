/**
 * DICOM SEG (issue 15, output): write a label volume as a binary Segmentation of its source
 * series (`writeDicomSeg`), read one back onto the source's grid (`readDicomSeg`).
 */
export { writeDicomSeg, newUid, SEG_SOP_CLASS_UID, GENERIC_CATEGORY, GENERIC_TYPE, type Code, type SegAlgorithm, type SegSegment, type WriteSegOptions, type WrittenSeg } from './writeSeg';
export { readDicomSeg, type ReadSeg, type ReadSegment } from './readSeg';
export { segSourceOfSeries, readSourceAttributes, type SegSource, type SourceAttributes } from './source';
export { rgbToDicomLab, rgbToLab } from './cielab';
