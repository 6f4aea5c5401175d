/**
 * Compressed DICOM made for the codec tests with pydicom (Debian's python3-pydicom): a real
 * compressed file with its frame cut short or its Rows changed, and a file around a codestream
 * made here (HTJ2K, which pydicom's test files lack).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import sys, json, pydicom
from pydicom.encaps import encapsulate, generate_pixel_data_frame
src, out, how = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if 'syntax' in how and how['syntax'] not in pydicom.uid.UID_dictionary:
    # pydicom 2.3 predates HTJ2K: make its UID known as a (compressed) transfer syntax
    pydicom.uid.UID_dictionary[how['syntax']] = ('HTJ2K', 'Transfer Syntax', '', '', 'HTJ2K')
ds = pydicom.dcmread(src)
if 'codestream' in how:
    frame = open(how['codestream'], 'rb').read()
    ds.file_meta.TransferSyntaxUID = how['syntax']
else:
    frame = next(generate_pixel_data_frame(ds.PixelData))
if 'keep' in how:
    frame = frame[:int(len(frame) * how['keep'])]
if 'rows' in how:
    ds.Rows = how['rows']
ds.PixelData = encapsulate([frame])
ds['PixelData'].is_undefined_length = True
ds['PixelData'].VR = 'OB'
ds.is_little_endian = True
ds.is_implicit_VR = False
ds.save_as(out, write_like_original=False)
`;

/** How {@link writeVariant} changes the source file. */
export interface Variant {
  /** Keep this fraction of the (first) frame's bytes. */
  keep?: number;
  /** Set Rows to this. */
  rows?: number;
  /** Replace the pixel data by this codestream, under transfer syntax `syntax`. */
  codestream?: Uint8Array;
  syntax?: string;
}

/** Writes `out`: the compressed DICOM file `src` with its pixel data changed as `how` says (pydicom re-encapsulates one frame). */
export function writeVariant(src: string, out: string, how: Variant): void {
  const args: Record<string, unknown> = { keep: how.keep, rows: how.rows, syntax: how.syntax };
  if (how.codestream) {
    writeFileSync(`${out}.codestream`, how.codestream);
    args.codestream = `${out}.codestream`;
  }
  for (const k of Object.keys(args)) if (args[k] === undefined) delete args[k];
  const run = spawnSync(PYTHON, ['-c', SCRIPT, src, out, JSON.stringify(args)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pydicom could not write ${out}: ${run.stderr}`);
}
