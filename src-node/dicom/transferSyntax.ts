/**
 * The DICOM transfer syntaxes PatchLens knows: which it reads (native pixel data, possibly
 * deflated) and which are compressed (named in the error until codecs come).
 */

/** How a transfer syntax stores its pixel data. */
export interface TransferSyntaxInfo {
  /** The UID. */
  uid: string;
  /** What people call it. */
  name: string;
  /** Whether PatchLens reads its pixel data (native: uncompressed, possibly deflated). */
  supported: boolean;
  /** Native pixel data in big-endian byte order (the retired explicit VR big endian). */
  bigEndian?: boolean;
}

/** Native (uncompressed) syntaxes, read here. */
const NATIVE: Record<string, Omit<TransferSyntaxInfo, 'uid' | 'supported'>> = {
  '1.2.840.10008.1.2': { name: 'implicit VR little endian' },
  '1.2.840.10008.1.2.1': { name: 'explicit VR little endian' },
  '1.2.840.10008.1.2.1.99': { name: 'deflated explicit VR little endian' },
  '1.2.840.10008.1.2.2': { name: 'explicit VR big endian (retired)', bigEndian: true },
};

/** Compressed syntaxes: each needs a codec PatchLens does not have yet. */
const COMPRESSED: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'JPEG baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG extended',
  '1.2.840.10008.1.2.4.57': 'JPEG lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG lossless (first-order prediction)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS near-lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 multi-component lossless',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 multi-component',
  '1.2.840.10008.1.2.4.201': 'HTJ2K lossless',
  '1.2.840.10008.1.2.4.202': 'HTJ2K lossless RPCL',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
  '1.2.840.10008.1.2.5': 'RLE lossless',
  '1.2.840.10008.1.2.4.100': 'MPEG-2',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264',
  '1.2.840.10008.1.2.4.110': 'JPEG XL lossless',
  '1.2.840.10008.1.2.4.112': 'JPEG XL',
};

/** Implicit VR little endian: DICOM's default when a file has no meta header. */
export const IMPLICIT_LITTLE_ENDIAN = '1.2.840.10008.1.2';

/** Deflated explicit VR little endian. */
export const DEFLATED_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';

/**
 * What PatchLens knows of a transfer syntax UID: its name and whether its pixel data are read.
 * An unknown UID is reported as unsupported under its UID.
 */
export function transferSyntaxInfo(uid: string): TransferSyntaxInfo {
  const native = NATIVE[uid];
  if (native) return { uid, supported: true, ...native };
  const compressed = COMPRESSED[uid];
  if (compressed) return { uid, name: compressed, supported: false };
  return { uid, name: `unknown transfer syntax ${uid}`, supported: false };
}

/** The error message for pixel data PatchLens cannot decode: `compressed DICOM (JPEG 2000) is not supported yet (…)`. */
export function unsupportedSyntaxMessage(info: TransferSyntaxInfo): string {
  if (COMPRESSED[info.uid]) {
    return `compressed DICOM (${info.name}, transfer syntax ${info.uid}) is not supported yet; convert it to uncompressed DICOM (e.g. dcmdjpeg/gdcmconv --raw) or to NIfTI (dcm2niix)`;
  }
  return `${info.name} is not supported (supported: ${Object.values(NATIVE).map((n) => n.name).join(', ')})`;
}
