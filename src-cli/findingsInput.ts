import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { FindingsValidationError, parseFindings, type FindingsDocument } from '../shared/findings';
import { readImageFile } from '../src-node/readInputFile';
import type { ReportUserFindings } from '../src-node/report/reportTypes';
import { userFindings, type FindingVolumes } from '../src-node/report/userFindings';
import { InputError, UsageError } from './usageError';
import { sha256Hex } from '../src-node/fs/sha256';
import { findFolderAnnotation, readFolderTable } from './findingsFolder';

/** The findings options of `patchlens report`. */
export interface FindingsPaths {
  findings: string | null;
  image: string | null;
  labels: string | null;
}

/**
 * Reads `--findings` (checked by shared/findings' validator), `--image` and `--labels` into the
 * report's "Findings" section; without `--image` the section has no thumbnails and says why.
 * `--findings` is a findings file, or a project folder (or its `annotations/` folder): then the
 * image's annotation is found by its key (`findFolderAnnotation`), and without `--labels` its
 * saved labels are drawn in the thumbnails, in the colours of its saved label table when it has
 * one (hidden labels left out). `note` gets a line naming the findings file used (and
 * one for saved labels drawn). Nothing is written.
 * @returns null without `--findings`
 * @throws UsageError for a findings file that does not validate (naming the field), an image of
 * another shape or SHA-256 than the findings', `--image`/`--labels` without `--findings`,
 * `--labels` without `--image`, or a folder with several images' findings and no `--image`;
 * InputError for a file that cannot be read or a folder without the image's findings
 */
export function readFindingsInput(paths: FindingsPaths, note: (line: string) => void = () => undefined): ReportUserFindings | null {
  if (paths.findings === null) {
    const stray = paths.image !== null ? '--image' : paths.labels !== null ? '--labels' : null;
    if (stray) throw new UsageError(`report: ${stray} draws the findings' thumbnails and needs --findings <findings.json | project folder>`);
    return null;
  }
  if (paths.labels !== null && paths.image === null) throw new UsageError('report: --labels needs --image <image.nii.gz> (the labels are drawn over the image in the thumbnails)');
  const folder = isFolder(paths.findings);
  const read = (option: string, path: string) => {
    try {
      return readImageFile(option, path);
    } catch (e) {
      throw new InputError(`report: ${(e as Error).message}`);
    }
  };
  const image = paths.image !== null ? read('--image', paths.image) : null;
  const sha = image ? sha256Hex(image.bytes) : null;
  const found = folder ? findFolderAnnotation(paths.findings, sha) : null;
  const findingsPath = found ? found.findings : paths.findings;
  const savedLabels = found && image && paths.labels === null ? found.labels : null;
  // The saved table describes the saved labels only: other --labels keep the report's palette.
  const savedTable = savedLabels !== null && found?.table ? found.table : null;
  let text: string;
  try {
    text = readFileSync(findingsPath, 'utf8');
  } catch (e) {
    throw new InputError(`report: --findings ${findingsPath}: ${(e as Error).message}`);
  }
  let doc: FindingsDocument;
  try {
    doc = parseFindings(text);
  } catch (e) {
    if (e instanceof FindingsValidationError) throw new UsageError(`report: --findings ${findingsPath} is not a valid findings file: field ${e.path}: ${e.message.replace(/^validateFindings: /, '')}`);
    throw e;
  }
  const count = `${doc.findings.length} finding${doc.findings.length === 1 ? '' : 's'}`;
  note(`report: findings: ${resolve(findingsPath)} (${count} on ${doc.image.name}${found ? `, the project's annotation ${found.key}` : ''})`);
  if (image === null || sha === null) return userFindings(doc, null);
  if (doc.image.sha256 && doc.image.sha256 !== sha) {
    throw new UsageError(`report: --image ${paths.image} has SHA-256 ${sha}, but the findings were marked on ${doc.image.name} with SHA-256 ${doc.image.sha256}`);
  }
  const labelsPath = paths.labels ?? savedLabels;
  const table = savedTable !== null ? readFolderTable(savedTable) : null;
  const volumes: FindingVolumes = { image: image.volume, labels: labelsPath !== null ? read(paths.labels !== null ? '--labels' : 'the saved labels', labelsPath).volume : null, table };
  const labelsText = paths.labels !== null ? `, --labels ${paths.labels}` : savedLabels !== null ? `, the saved labels ${savedLabels}` : '';
  let section: ReportUserFindings;
  try {
    section = userFindings(doc, volumes);
  } catch (e) {
    throw new UsageError(`report: ${(e as Error).message.replace(/^userFindings: /, '')} (--image ${paths.image}${labelsText})`);
  }
  if (savedLabels !== null) note(`report: thumbnails drawn over the saved labels ${savedLabels} (the project's edited reference; --labels <labels.nii.gz> draws others)`);
  if (table !== null) {
    const hidden = table.labels.filter((l) => !l.visible && l.value !== 0).map((l) => `${l.name} (${l.value})`);
    note(`report: in the colours of the saved label table ${savedTable}${hidden.length ? `, hidden labels left out: ${hidden.join(', ')}` : ''}`);
  }
  return section;
}

/**
 * Whether `--findings` names a folder (a project folder) rather than a file.
 * @throws InputError when it does not exist or cannot be read
 */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`report: --findings ${path}: ${code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
  }
}
