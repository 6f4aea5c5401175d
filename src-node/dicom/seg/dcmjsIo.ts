/**
 * The part of dcmjs (no types of its own) that the SEG writer and reader use: a naturalized
 * dataset (attributes by keyword) to Part 10 bytes, and Part 10 bytes to a naturalized dataset.
 */
import dcmjs from 'dcmjs';

/** A dataset by DICOM keyword, as dcmjs's `naturalizeDataset` gives and `denaturalizeDataset` takes. */
export type NaturalDataset = Record<string, unknown>;

interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer, options?: { untilTag?: string; includeUntilTagValue?: boolean }): { meta: object; dict: object } };
  DicomMetaDictionary: { naturalizeDataset(dict: object): NaturalDataset; denaturalizeDataset(ds: NaturalDataset): object };
  DicomDict: new (meta: object) => { dict: object; write(options?: { fragmentMultiframe?: boolean }): ArrayBuffer };
}

const data = (dcmjs as unknown as { data: DcmjsData }).data;

/** Explicit VR Little Endian. */
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** This implementation's class UID (under 2.25, from a fixed UUID) and name, for the file meta. */
export const IMPLEMENTATION_CLASS_UID = '2.25.242093304419191308698680289290856765159';
export const IMPLEMENTATION_VERSION_NAME = 'PATCHLENS';

/** Part 10 bytes (Explicit VR Little Endian) of a naturalized dataset with SOPClassUID and SOPInstanceUID. */
export function encodePart10(dataset: NaturalDataset): Uint8Array {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
  };
  const dict = new data.DicomDict(data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = data.DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write({ fragmentMultiframe: false }));
}

/**
 * The naturalized dataset of Part 10 bytes; with `headerOnly`, the attributes before Pixel Data.
 * @throws the reader's error prefixed with `what`
 */
export function decodePart10(bytes: Uint8Array, what: string, headerOnly = false): NaturalDataset {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    const file = data.DicomMessage.readFile(buffer, headerOnly ? { untilTag: '7FE00010', includeUntilTagValue: false } : {});
    return data.DicomMetaDictionary.naturalizeDataset(file.dict);
  } catch (e) {
    throw new Error(`${what}: not a readable DICOM file (${(e as Error).message})`);
  }
}
