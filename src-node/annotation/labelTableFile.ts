/**
 * `labelTable.json`: an annotation's label table on disk (docs/annotation-files.md), the
 * `LabelTableJSON` of shared/annotation/labelTable.ts with a `format` and `version` in front, as
 * `findings.json` has: each label's value, name, colour, locked and visible flags. Save, save-as
 * and the autosave write it beside the labels; opening `saved` or `recovered` reads it back.
 */
import { LabelTable, type LabelTableJSON } from '../../shared/annotation/labelTable';

/** `labelTable.json`'s `format`. */
export const LABEL_TABLE_FORMAT = 'patchlens.labelTable';

/** `labelTable.json`'s `version`. */
export const LABEL_TABLE_VERSION = 1;

/** What `labelTable.json` holds. */
export interface LabelTableFile extends LabelTableJSON {
  format: typeof LABEL_TABLE_FORMAT;
  version: typeof LABEL_TABLE_VERSION;
}

/**
 * The bytes of `labelTable.json` for a table (checked by `LabelTable.fromJSON` first, so a file
 * written is always one {@link parseLabelTable} reads back): pretty JSON, trailing newline.
 * @throws RangeError from `LabelTable.fromJSON` for a table that is not one
 */
export function labelTableBytes(table: LabelTableJSON): Uint8Array {
  const checked = LabelTable.fromJSON(table).toJSON();
  const file: LabelTableFile = { format: LABEL_TABLE_FORMAT, version: LABEL_TABLE_VERSION, datatype: checked.datatype, labels: checked.labels };
  return new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`);
}

/** A `labelTable.json` that cannot be used; the message names the file and what is wrong. */
export class LabelTableFileError extends Error {
  override name = 'LabelTableFileError';
  constructor(
    message: string,
    /** What is wrong: not JSON, not a PatchLens label table file (format/version), or a table `LabelTable` refuses. */
    readonly problem: 'json' | 'format' | 'table',
  ) {
    super(message);
  }
}

/**
 * Reads a `labelTable.json`'s content: JSON, `format` {@link LABEL_TABLE_FORMAT} and `version`
 * {@link LABEL_TABLE_VERSION}, and a table `LabelTable.fromJSON` accepts.
 * @param what the file, as messages name it
 * @returns the table (without `format` and `version`), as `LabelTable.toJSON` writes it
 * @throws LabelTableFileError `${what} is not valid JSON: …`, `${what} is not a PatchLens label
 *   table: …` or `${what} is not a label table: …`
 */
export function parseLabelTable(what: string, content: Uint8Array | string): LabelTableJSON {
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new LabelTableFileError(`${what} is not valid JSON: ${(e as Error).message}`, 'json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LabelTableFileError(`${what} is not a PatchLens label table: expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`, 'format');
  const file = value as Partial<LabelTableFile>;
  if (file.format !== LABEL_TABLE_FORMAT || file.version !== LABEL_TABLE_VERSION) {
    throw new LabelTableFileError(`${what} is not a PatchLens label table: format ${JSON.stringify(file.format)} version ${JSON.stringify(file.version)}, expected ${LABEL_TABLE_FORMAT} version ${LABEL_TABLE_VERSION}`, 'format');
  }
  try {
    return LabelTable.fromJSON({ datatype: file.datatype as LabelTableJSON['datatype'], labels: file.labels as LabelTableJSON['labels'] }).toJSON();
  } catch (e) {
    throw new LabelTableFileError(`${what} is not a label table: ${(e as Error).message}`, 'table');
  }
}
