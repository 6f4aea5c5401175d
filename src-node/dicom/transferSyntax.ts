/**
 * The DICOM transfer syntaxes PatchLens knows: native pixel data (possibly deflated), the
 * compressed ones it decodes with the cornerstone3D codec packages (codecs.ts), and the
 * compressed ones it has no codec for (named in the error).
 */
import { codecPackage } from './codecs';

/** How a transfer syntax stores its pixel data. */
export interface TransferSyntaxInfo {
  /** The UID. */
  uid: string;
  /** What people call it. */
  name: string;
  /** Whether PatchLens reads its pixel data (native, or compressed with a codec). */
  supported: boolean;
  /** Encapsulated (compressed) pixel data, decoded frame by frame by a codec. */
  compressed?: boolean;
  /** The npm package that decodes it (compressed syntaxes with a codec). */
  codec?: string;
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

/** Compressed syntaxes: those with a codec in codecs.ts are read, the others refused by name. */
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
  if (compressed) {
    const codec = codecPackage(uid);
    return codec ? { uid, name: compressed, supported: true, compressed: true, codec } : { uid, name: compressed, supported: false, compressed: true };
  }
  return { uid, name: `unknown transfer syntax ${uid}`, supported: false };
}

/** The error message for pixel data PatchLens cannot decode: `compressed DICOM (MPEG-2, …) has no decoder in PatchLens (…)`. */
export function unsupportedSyntaxMessage(info: TransferSyntaxInfo): string {
  if (COMPRESSED[info.uid]) {
    const decoded = Object.entries(COMPRESSED).filter(([uid]) => codecPackage(uid)).map(([, name]) => name);
    return `compressed DICOM (${info.name}, transfer syntax ${info.uid}) has no decoder in PatchLens (compressed syntaxes decoded: ${decoded.join(', ')}); convert it to uncompressed DICOM (e.g. gdcmconv --raw) or to NIfTI (dcm2niix)`;
  }
  return `${info.name} is not supported (supported: ${Object.values(NATIVE).map((n) => n.name).join(', ')})`;
}
