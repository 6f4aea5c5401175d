import { readFileSync } from 'node:fs';
import { FindingsValidationError, parseFindings, type FindingsDocument } from '../shared/findings';
import { readImageFile } from '../src-node/readInputFile';
import type { ReportUserFindings } from '../src-node/report/reportTypes';
import { userFindings, type FindingVolumes } from '../src-node/report/userFindings';
import { InputError, UsageError } from './usageError';
import { sha256Hex } from '../src-node/fs/sha256';

/** The findings options of `patchlens report`. */
export interface FindingsPaths {
  findings: string | null;
  image: string | null;
  labels: string | null;
}

/**
 * Reads `--findings` (checked by shared/findings' validator), `--image` and `--labels` into the
 * report's "Findings" section; without `--image` the section has no thumbnails and says why.
 * @returns null without `--findings`
 * @throws UsageError for a findings file that does not validate (naming the field), an image of
 * another shape or SHA-256 than the findings', `--image`/`--labels` without `--findings`, or
 * `--labels` without `--image`; InputError for a file that cannot be read
 */
export function readFindingsInput(paths: FindingsPaths): ReportUserFindings | null {
  if (paths.findings === null) {
    const stray = paths.image !== null ? '--image' : paths.labels !== null ? '--labels' : null;
    if (stray) throw new UsageError(`report: ${stray} draws the findings' thumbnails and needs --findings <findings.json>`);
    return null;
  }
  if (paths.labels !== null && paths.image === null) throw new UsageError('report: --labels needs --image <image.nii.gz> (the labels are drawn over the image in the thumbnails)');
  let text: string;
  try {
    text = readFileSync(paths.findings, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`report: --findings ${paths.findings}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let doc: FindingsDocument;
  try {
    doc = parseFindings(text);
  } catch (e) {
    if (e instanceof FindingsValidationError) throw new UsageError(`report: --findings ${paths.findings} is not a valid findings file: field ${e.path}: ${e.message.replace(/^validateFindings: /, '')}`);
    throw e;
  }
  if (paths.image === null) return userFindings(doc, null);
  const read = (option: string, path: string) => {
    try {
      return readImageFile(option, path);
    } catch (e) {
      throw new InputError(`report: ${(e as Error).message}`);
    }
  };
  const image = read('--image', paths.image);
  const sha = sha256Hex(image.bytes);
  if (doc.image.sha256 && doc.image.sha256 !== sha) {
    throw new UsageError(`report: --image ${paths.image} has SHA-256 ${sha}, but the findings were marked on ${doc.image.name} with SHA-256 ${doc.image.sha256}`);
  }
  const volumes: FindingVolumes = { image: image.volume, labels: paths.labels !== null ? read('--labels', paths.labels).volume : null };
  try {
    return userFindings(doc, volumes);
  } catch (e) {
    throw new UsageError(`report: ${(e as Error).message.replace(/^userFindings: /, '')} (--image ${paths.image}${paths.labels ? `, --labels ${paths.labels}` : ''})`);
  }
}
